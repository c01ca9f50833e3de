"""Deterministic demo data for 中宁县 (640521), 2018 and 2019: raw files exactly as units hand them in.

``generate(data_dir)`` writes every source of every demo year into
``<data_dir>/raw/640521/<source>/`` and a manifest of what was planted (bad cells at their
exact place, superseded files, late and missing returns, the plan targets the county misses,
expected totals; per year under ``by_year``) to ``<data_dir>/demo-manifest.json``. Fake personal
information of the request ledger is listed only in ``<data_dir>/demo-pii.json`` (gitignored),
never in the manifest.

Each year draws from its own ``random.Random`` (2018 from ``seed``, later years from the seed and
the year), so the same seed gives the same bytes and adding a year leaves the earlier ones as
they were. What differs between years is in ``story.STORIES``; 2019's requests also answer
2018's requests still open at its start (carried over), and its registers re-export 2018's.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path

from pipelines.demo.activities import write_activities
from pipelines.demo.appeals import Case, draw_cases, write_appeals
from pipelines.demo.common import DEMO_AS_OF, DIVISION, FIRST_YEAR, DemoContext
from pipelines.demo.disclosures import write_disclosures
from pipelines.demo.facts import write_facts
from pipelines.demo.requests import (
    NEGATIVE,
    NEGATIVE_2019,
    Request,
    carried_into,
    request_expectations,
    write_requests,
)
from pipelines.demo.requests_planted import answer_carried, build_requests
from pipelines.demo.returns import write_returns
from pipelines.demo.scenario import choose_scenario
from pipelines.demo.story import STORIES, YEARS
from pipelines.plan.catalogue import load_plans
from pipelines.reference.units import load_registry
from pipelines.settings import SOURCES, load_settings

__all__ = ["DEMO_AS_OF", "YEARS", "generate", "main"]

MANIFEST_NAME = "demo-manifest.json"
PII_NAME = "demo-pii.json"
SOURCE_LABELS = {"returns": "进展报送表", "disclosures": "主动公开台账", "requests": "依申请公开台账",
                 "appeals": "复议诉讼台账", "activities": "工作活动台账", "facts": "年度填报指标"}
_SHIPPED_REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / DIVISION


def _reference_dir(data_dir: Path) -> Path:
    own = data_dir / "reference" / DIVISION
    return own if all((own / f"plan-{y}.json").exists() for y in YEARS) else _SHIPPED_REFERENCE


def _rng(seed: int, year: int) -> random.Random:
    return random.Random(seed) if year == FIRST_YEAR else random.Random(f"{seed}/{year}")


class _Years:
    """What one year hands to the next: applicants, requests and cases."""

    def __init__(self) -> None:
        self.regulars: dict = {}
        self.requests: dict[int, list[Request]] = {}
        self.cases: list[Case] = []


def _write_year(ctx: DemoContext, reference: Path, years: _Years) -> dict:
    """Every source of one year, in the order that keeps each year's draws stable."""
    scenario = choose_scenario(ctx)
    returns = write_returns(ctx, scenario, reference)
    disclosures = write_disclosures(ctx, scenario)
    carried = carried_into([r for rs in years.requests.values() for r in rs], ctx.year)
    answer_carried(carried)
    reqs = build_requests(ctx, years.regulars)
    write_requests(ctx, reqs, carried)
    years.requests[ctx.year] = reqs
    cases = draw_cases(ctx, [r for r in reqs if not r.bad], NEGATIVE if ctx.year == 2018 else NEGATIVE_2019)
    appeals = write_appeals(ctx, cases, years.cases)
    years.cases += cases
    activities = write_activities(ctx, scenario)
    facts = write_facts(ctx, scenario, disclosures["normative_items"])
    showcase = next((t for t in ctx.plan.tasks if t.code == "2.2.2"), None)
    return {
        "plan": {"title": ctx.plan.title, "issued_on": str(ctx.plan.issued_on), "tasks": len(ctx.plan.tasks)},
        "planted_shortfalls": {
            **activities,
            "showcase_projects_missing": {"task": "2.2.2", "by": str(showcase.due_on if showcase else None),
                                          "units": disclosures["showcase_projects_missing"]},
            "late_audit_disclosures": disclosures["late_audit_disclosures"],
            "late_service_disclosures": disclosures["late_service_disclosures"],
            **returns.shortfalls,
            "late_returns": returns.late_returns,
            "missing_returns": returns.missing_returns,
        },
        "late_returns": returns.late_returns,
        "missing_returns": returns.missing_returns,
        "expected": {"disclosures": disclosures, "appeals": appeals, "facts": facts},
    }


def generate(data_dir: Path, seed: int = 2018, *, reference_dir: Path | None = None) -> dict:
    """Write the demo's raw files, manifest and PII list under ``data_dir``; return the manifest.

    Only ``<data_dir>/raw/640521/`` is deleted and rewritten. Reference data (unit registry,
    plan catalogues, events) comes from ``<data_dir>/reference/640521`` when it holds every
    demo year's catalogue, else from the project's shipped ``data/reference/640521``.
    """
    data_dir = Path(data_dir).resolve()
    reference = Path(reference_dir) if reference_dir else _reference_dir(data_dir)
    registry = load_registry(reference)
    plans = {p.year: p for p in load_plans(reference, registry)}
    missing = [y for y in YEARS if y not in plans]
    if missing:
        raise FileNotFoundError(f"{reference} 中没有 {'、'.join(map(str, missing))} 年计划目录 "
                                f"{'、'.join(f'plan-{y}.json' for y in missing)}")

    manifest: dict = {
        "division": DIVISION, "years": list(YEARS), "seed": seed, "as_of": DEMO_AS_OF.isoformat(),
        "files": [], "defects": [], "rejected_files": [], "supersessions": [], "totals": {},
        "by_year": {},
    }
    pii: dict[str, list[str]] = {}
    contexts = {y: DemoContext(data_dir=data_dir, rng=_rng(seed, y), registry=registry, plan=plans[y],
                               manifest=manifest, pii=pii, story=STORIES[y]) for y in YEARS}
    if contexts[FIRST_YEAR].raw_dir.exists():
        shutil.rmtree(contexts[FIRST_YEAR].raw_dir)
    for source in SOURCES:
        contexts[FIRST_YEAR].totals(source)
    years = _Years()
    for year, ctx in contexts.items():
        manifest["by_year"][str(year)] = _write_year(ctx, reference, years)
    # Requests are judged at the demo's as-of, once later years have answered earlier ones.
    for year, reqs in years.requests.items():
        expected = request_expectations(contexts[year], reqs)
        section = manifest["by_year"][str(year)]
        section["expected"]["requests"] = expected
        states = expected["states_at_as_of"]
        section["planted_shortfalls"]["late_requests"] = sorted(
            k for k, v in states.items() if v == "answered_late")
        section["planted_shortfalls"]["open_overdue_requests"] = sorted(
            k for k, v in states.items() if v == "open_overdue")
    manifest["pii_values"] = {column: len(values) for column, values in pii.items()}
    for totals in manifest["totals"].values():
        totals["expected_loaded_rows"] = (totals["data_rows"] - totals["bad_rows"]
                                          - totals["superseded_rows"]
                                          - totals["rejected_file_rows"])

    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
    leaked = [v for values in pii.values() for v in values if v in text]
    if leaked:
        raise AssertionError(f"演示清单中混入了 {len(leaked)} 个个人信息值")
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")
    note = {"note": "演示数据中虚构的申请人个人信息，仅供测试核查其不进入任何数据表；勿提交版本库。",
            "values": pii}
    (data_dir / PII_NAME).write_text(json.dumps(note, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    return manifest


def summary(manifest: dict) -> str:
    """A Chinese summary of what was written, for the terminal."""
    years = "、".join(map(str, manifest["years"]))
    lines = [f"已生成中宁县（{manifest['division']}）{years}年演示数据，"
             f"统计日 {manifest['as_of']}，随机种子 {manifest['seed']}："]
    for source, t in manifest["totals"].items():
        lines.append(
            f"  {SOURCE_LABELS.get(source, source)}（{source}）：文件 {t['files']} 个，数据行 "
            f"{t['data_rows']} 行，其中预置错误行 {t['bad_rows']} 行、应被替代 "
            f"{t['superseded_rows']} 行、整表拒收 {t['rejected_file_rows']} 行")
    lines.append(f"  预置问题单元格 {len(manifest['defects'])} 处，整表拒收文件 "
                 f"{len(manifest['rejected_files'])} 个，替代关系 {len(manifest['supersessions'])} 组")
    for year, section in manifest["by_year"].items():
        late, missing = section["late_returns"][0], section["missing_returns"][0]
        lines.append(f"  {year}年迟报：{late['unit']} {late['period']}；漏报：{missing['unit']} "
                     f"{missing['period']}")
    lines.append(f"  清单：{MANIFEST_NAME}；虚构个人信息列表：{PII_NAME}（勿提交）")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m pipelines.demo [--data-dir DIR] [--seed N]``."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.demo",
                                     description="生成中宁县2018—2019年政务公开演示数据")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="数据目录（默认取 GONGKAI_DATA_DIR，未设置时为 ./data）")
    parser.add_argument("--seed", type=int, default=2018, help="随机种子（默认 2018）")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or load_settings().data_dir
    started = time.perf_counter()
    manifest = generate(data_dir, seed=args.seed)
    print(summary(manifest))
    print(f"  用时 {time.perf_counter() - started:.1f} 秒，写入 {Path(data_dir) / 'raw' / DIVISION}")
    return 0
