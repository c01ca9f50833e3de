"""Build divisions in-process, or several at once in worker processes (``python -m pipelines build``).

A division whose build fails keeps its previously published marts; the others still build
and publish. Divisions do not wait for each other: each holds only its own lock, so
``--jobs 2`` keeps both cores busy on a province.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import dagster as dg
import duckdb

from pipelines.db import quote
from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, NOTEBOOKS, make_resources
from pipelines.partitions import ensure_partitions
from pipelines.reference.load import divisions
from pipelines.settings import Settings

# The leaders' pack: left out by --no-pack (tests and benchmarks of the marts alone).
PACK_GROUP = "reports"
CLI_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclass(frozen=True)
class Outcome:
    """How one division's build went, and when each step ran (seconds since the epoch)."""

    division: str
    success: bool
    failed_steps: tuple[str, ...]
    steps: tuple[tuple[str, float, float], ...] = ()
    files_parsed: int = 0

    def timings(self) -> dict:
        """The run as JSON for ``--timings``: steps, first start, publish end, last end."""
        starts = [a for _, a, _ in self.steps]
        published = next((b for name, _, b in self.steps if name == "gongkai_marts"), None)
        return {"division": self.division, "success": self.success, "failed_steps": list(self.failed_steps),
                "first_step": min(starts, default=None), "published": published,
                "last_step": max((b for _, _, b in self.steps), default=None),
                "files_parsed": self.files_parsed,
                "steps": [{"step": n, "start": a, "end": b} for n, a, b in self.steps]}


def build_division(division: str, instance: dg.DagsterInstance, data_dir: str | None = None,
                   as_of: str | None = None, run_config: dict | None = None,
                   tags: dict | None = None, selection=None, notebooks: bool = False,
                   pack: bool = True) -> dg.ExecuteInProcessResult:
    """Materialize every asset (or ``selection``) of one division's partition, with the
    leaders' pack unless ``pack`` is off and the headless notebooks if ``notebooks``."""
    ensure_partitions(instance, [division])
    if selection is None and not pack:
        selection = dg.AssetSelection.all() - dg.AssetSelection.groups(PACK_GROUP)
    return dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS, *(NOTEBOOKS if notebooks else [])],
        resources=make_resources(data_dir, as_of),
        instance=instance,
        partition_key=division,
        raise_on_error=False,
        run_config=run_config,
        tags=tags,
        selection=selection,
    )


def build_everything(settings: Settings, instance: dg.DagsterInstance, **kwargs
                     ) -> dict[str, dg.ExecuteInProcessResult]:
    """Build each division found under ``raw/`` (and in the data directory's own reference)."""
    return {d: build_division(d, instance, **kwargs) for d in divisions(settings)}


def failed_steps(result: dg.ExecuteInProcessResult) -> list[str]:
    """Step keys that failed in a run."""
    return [e.step_key for e in result.all_events if e.is_step_failure]


def cli_instance() -> dg.DagsterInstance:
    """The instance CLI runs record to: ``DAGSTER_HOME``'s (so they show in the UI), else a
    throwaway one."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _steps(instance: dg.DagsterInstance, run_id: str) -> tuple[tuple[str, float, float], ...]:
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            ends[event.step_key] = entry.timestamp
    return tuple((k, starts[k], ends.get(k, starts[k])) for k in sorted(starts, key=starts.get))


def _files_parsed(result: dg.ExecuteInProcessResult) -> int:
    return sum(int(m.materialization.metadata["files_parsed"].value)
               for m in result.get_asset_materialization_events()
               if "files_parsed" in m.materialization.metadata)


def _build_one(division: str, data_dir: str, as_of: str, notebooks: bool, pack: bool) -> Outcome:
    with cli_instance() as instance:
        result = build_division(division, instance, data_dir=data_dir, as_of=as_of, notebooks=notebooks,
                                pack=pack, run_config=CLI_RUN_CONFIG, tags={"gongkai/trigger": "cli"})
        return Outcome(division, result.success, tuple(failed_steps(result)), _steps(instance, result.run_id),
                       _files_parsed(result))


def run_builds(settings: Settings, targets: list[str], jobs: int, notebooks: bool = True,
               pack: bool = True) -> list[Outcome]:
    """Build ``targets``: in this process when there is one (or ``jobs`` is 1), else in
    ``jobs`` worker processes, each building one division after another."""
    args = (str(settings.data_dir), settings.as_of.isoformat(), notebooks, pack)
    if jobs <= 1 or len(targets) <= 1:
        return [_build_one(d, *args) for d in targets]
    # spawn, not fork: DuckDB and Dagster hold threads that a forked child must not inherit.
    context = multiprocessing.get_context("spawn")
    outcomes = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(targets)), mp_context=context) as pool:
        futures = {pool.submit(_build_one, d, *args): d for d in targets}
        for future in as_completed(futures):
            try:
                outcomes.append(future.result())
            except Exception as exc:  # noqa: BLE001 - a worker that died fails its division only
                outcomes.append(Outcome(futures[future], False, (f"{type(exc).__name__}: {exc}",)))
    return sorted(outcomes, key=lambda o: targets.index(o.division))


def summary(settings: Settings, outcomes: list[Outcome], seconds: float) -> str:
    """What the CLI prints after a build: each failure, the totals and the published tables."""
    lines = []
    for o in outcomes:
        if not o.success:
            lines.append(f"区划 {o.division} 构建失败：失败步骤 {', '.join(o.failed_steps)}。"
                         "该区划已发布的数据集市保持不变。")
    built = [o.division for o in outcomes if o.success]
    lines.append(f"\n构建完成（{seconds:.1f} 秒）：成功 {len(built)} 个区划（{'、'.join(built) or '无'}），"
                 f"失败 {len(outcomes) - len(built)} 个。")
    if settings.db_path.exists():
        con = duckdb.connect(str(settings.db_path), read_only=True)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
                "AND NOT starts_with(view_name, 'ref_') ORDER BY 1").fetchall()]
            lines.append(f"数据集市：{settings.db_path}")
            lines += [f"  {t:<22}{con.execute(f'SELECT count(*) FROM {quote(t)}').fetchone()[0]:>8} 行"
                      for t in tables]
            reasons = con.execute("SELECT source, count(*) FROM quarantine GROUP BY 1 ORDER BY 1").fetchall()
            if reasons:
                lines.append("隔离记录（详见 quarantine 表）：" + "，".join(f"{s} {n}" for s, n in reasons))
        finally:
            con.close()
    return "\n".join(lines)
