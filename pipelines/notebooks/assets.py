"""The analyst notebooks, executed headless after a publish and kept as offline HTML.

One asset per notebook in ``notebooks/`` (group ``notebooks``, downstream of
``gongkai_marts``). Each runs its notebook (``run.py``: one kernel for the whole process) for
every year of the run's division in the published marts, with ``division``, ``year`` and
``data_dir`` injected, and writes the outputs, code hidden, to
``$GONGKAI_DATA_DIR/marts/reports/<division>/<year>/notebooks/<name>.html``. A year whose
published figures, notebook and code are those its page was made from is not run again:
``<name>.fingerprint`` beside the page records what it was made from.

A notebook that raises fails its asset with the notebook, the cell and the error named; the
executed notebook is kept beside the HTML as ``<name>.failed.ipynb`` for the analyst. The
notebooks read the published file read-only, so they never hold up the next build.
"""

from pathlib import Path

import dagster as dg

from pipelines.atomic import write_text
from pipelines.fingerprint import code_digest, digest, files_digest
from pipelines.marts.digests import year_digests
from pipelines.notebooks.analysis import open_marts, periods
from pipelines.notebooks.run import (
    NOTEBOOKS,
    NotebookFailed,
    NotebookRun,
    notebook_path,
    output_dir,
    run_notebook,
)
from pipelines.partitions import DIVISIONS
from pipelines.resources import MartsDatabase
from pipelines.settings import Settings

GROUP = "notebooks"
# Notebooks about a year's plan: a year with annual tables but no plan has nothing to show.
PLAN_NOTEBOOKS = {"plan_progress"}
# The code a notebook page is made with besides the notebook file itself.
PAGE_CODE = ("notebooks", "pack.charts", "vocabulary", "db")


def published_periods(data_dir: Path, plans_only: bool = False) -> list[tuple[str, int]]:
    """(division, year) pairs of the published marts (see pipelines.notebooks.analysis.periods)."""
    con = open_marts(data_dir)
    try:
        return periods(con, plans_only)
    finally:
        con.close()


def page_fingerprints(settings: Settings, name: str, division: str, years: list[int]) -> dict[int, str]:
    """What each year's page of notebook ``name`` would be made from now."""
    code = digest([code_digest(*PAGE_CODE), files_digest([notebook_path(name)])])
    digests = year_digests(settings.division_db(division), division, years)
    return {y: digest([code, d]) for y, d in digests.items()}


def fingerprint_file(settings: Settings, name: str, division: str, year: int) -> Path:
    """Where the fingerprint of a year's page is kept (beside the page)."""
    return output_dir(settings.data_dir, division, year) / f"{name}.fingerprint"


def stale_years(settings: Settings, name: str, division: str, years: list[int]) -> dict[int, str]:
    """The years whose page is missing or was made from something else, with their new
    fingerprints."""
    wanted = page_fingerprints(settings, name, division, years)
    return {y: f for y, f in wanted.items()
            if not (output_dir(settings.data_dir, division, y) / f"{name}.html").exists()
            or _read(fingerprint_file(settings, name, division, y)) != f}


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def _notebook_asset(name: str, title: str) -> dg.AssetsDefinition:
    # Partitioned like the publish step (by division, when it is): a run publishing one
    # division refreshes that division's notebooks.
    @dg.asset(
        name=f"notebook_{name}",
        group_name=GROUP,
        deps=["gongkai_marts"],
        partitions_def=DIVISIONS,
        kinds={"jupyter", "html"},
        description=f"分析笔记本 notebooks/{name}.ipynb（{title}）：按已发布数据集市中的每个区划和年度"
                    f"执行，输出 marts/reports/<区划>/<年度>/notebooks/{name}.html（隐藏代码，可离线打开）",
    )
    def _asset(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
        settings = marts_db.settings()
        data_dir = settings.data_dir
        division = context.partition_key
        periods_ = published_periods(data_dir, plans_only=name in PLAN_NOTEBOOKS)
        years = [y for d, y in periods_ if d == division]
        stale = stale_years(settings, name, division, years)
        runs: list[NotebookRun] = []
        failures = []
        for year, fingerprint in sorted(stale.items()):
            try:
                run = run_notebook(name, division, year, data_dir, as_of=settings.as_of)
            except NotebookFailed as exc:
                context.log.error(str(exc))
                failures.append(str(exc))
                continue
            write_text(fingerprint_file(settings, name, division, year), fingerprint + "\n")
            context.log.info(
                f"笔记本 {name}.ipynb（{division} {year}年）执行用时 {run.seconds:.1f} 秒 → {run.html}")
            runs.append(run)
        unchanged = sorted(set(years) - set(stale))
        if unchanged:
            listed = "、".join(map(str, unchanged))
            context.log.info(f"笔记本 {name}.ipynb：{listed} 年的数据未变，页面保留不动")
        if failures:
            raise NotebookFailed("\n".join(failures))
        metadata: dict[str, object] = {
            "notebook": dg.MetadataValue.path(str(notebook_path(name))),
            "executions": len(runs),
            "unchanged_years": unchanged,
            "seconds_total": round(sum(r.seconds for r in runs), 1),
        }
        for r in runs:
            metadata[f"seconds.{r.division}.{r.year}"] = round(r.seconds, 1)
            metadata[f"html.{r.division}.{r.year}"] = dg.MetadataValue.path(str(r.html))
        if not years:
            context.log.warning("已发布的数据集市中没有（该区划的）方案年度，笔记本未执行")
        return dg.MaterializeResult(metadata=metadata)

    return _asset


ASSETS = [_notebook_asset(name, title) for name, title in NOTEBOOKS.items()]
