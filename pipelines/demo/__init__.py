"""Deterministic demo data for 中宁县 (640521), 2018: raw files exactly as units hand them in.

``generate(data_dir)`` writes every source into ``<data_dir>/raw/640521/<source>/`` and a
manifest of what was planted (bad cells at their exact place, superseded files, late and
missing returns, the plan targets the county misses, expected totals) to
``<data_dir>/demo-manifest.json``. Fake personal information of the request ledger is listed
only in ``<data_dir>/demo-pii.json`` (gitignored), never in the manifest.

Everything is drawn from one ``random.Random(seed)``: the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path

from pipelines.demo.activities import write_activities
from pipelines.demo.appeals import write_appeals
from pipelines.demo.common import DEMO_AS_OF, DIVISION, YEAR, DemoContext
from pipelines.demo.disclosures import write_disclosures
from pipelines.demo.facts import write_facts
from pipelines.demo.requests import write_requests
from pipelines.demo.returns import write_returns
from pipelines.demo.scenario import choose_scenario
from pipelines.plan.catalogue import load_plans
from pipelines.reference.units import load_registry
from pipelines.settings import SOURCES, load_settings

__all__ = ["DEMO_AS_OF", "generate", "main"]

MANIFEST_NAME = "demo-manifest.json"
PII_NAME = "demo-pii.json"
SOURCE_LABELS = {"returns": "进展报送表", "disclosures": "主动公开台账", "requests": "依申请公开台账",
                 "appeals": "复议诉讼台账", "activities": "工作活动台账", "facts": "年度填报指标"}
_SHIPPED_REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / DIVISION


def _reference_dir(data_dir: Path) -> Path:
    own = data_dir / "reference" / DIVISION
    return own if (own / f"plan-{YEAR}.json").exists() else _SHIPPED_REFERENCE


def generate(data_dir: Path, seed: int = 2018, *, reference_dir: Path | None = None) -> dict:
    """Write the demo's raw files, manifest and PII list under ``data_dir``; return the manifest.

    Only ``<data_dir>/raw/640521/`` is deleted and rewritten. Reference data (unit registry,
    plan catalogue, events) comes from ``<data_dir>/reference/640521`` when it holds the 2018
    catalogue, else from the project's shipped ``data/reference/640521``.
    """
    data_dir = Path(data_dir).resolve()
    reference = Path(reference_dir) if reference_dir else _reference_dir(data_dir)
    registry = load_registry(reference)
    plan = next((p for p in load_plans(reference, registry) if p.year == YEAR), None)
    if plan is None:
        raise FileNotFoundError(f"{reference} 中没有 {YEAR} 年计划目录 plan-{YEAR}.json")

    manifest: dict = {
        "division": DIVISION, "year": YEAR, "seed": seed, "as_of": DEMO_AS_OF.isoformat(),
        "files": [], "defects": [], "rejected_files": [], "supersessions": [],
        "late_returns": [], "missing_returns": [], "planted_shortfalls": {}, "expected": {},
        "totals": {},
    }
    ctx = DemoContext(data_dir=data_dir, rng=random.Random(seed), registry=registry, plan=plan,
                      manifest=manifest)
    if ctx.raw_dir.exists():
        shutil.rmtree(ctx.raw_dir)
    for source in SOURCES:
        ctx.totals(source)

    scenario = choose_scenario(ctx)
    returns = write_returns(ctx, scenario, reference)
    disclosures = write_disclosures(ctx, scenario)
    requests, request_expected = write_requests(ctx, scenario)
    appeals = write_appeals(ctx, requests)
    activities = write_activities(ctx, scenario)
    facts = write_facts(ctx, scenario, disclosures["normative_items"])

    states = request_expected["states_at_as_of"]
    manifest["planted_shortfalls"] = {
        **activities,
        "showcase_projects_missing": {"task": "2.2.2", "by": "2018-08-31",
                                      "units": disclosures["showcase_projects_missing"]},
        "late_audit_disclosures": disclosures["late_audit_disclosures"],
        "late_service_disclosures": disclosures["late_service_disclosures"],
        "late_requests": sorted(k for k, v in states.items() if v == "answered_late"),
        "open_overdue_requests": sorted(k for k, v in states.items() if v == "open_overdue"),
        **returns.shortfalls,
        "late_returns": manifest["late_returns"],
        "missing_returns": manifest["missing_returns"],
    }
    manifest["expected"] = {
        "disclosures": disclosures, "requests": request_expected, "appeals": appeals,
        "facts": facts,
    }
    for totals in manifest["totals"].values():
        totals["expected_loaded_rows"] = (totals["data_rows"] - totals["bad_rows"]
                                          - totals["superseded_rows"]
                                          - totals["rejected_file_rows"])

    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
    leaked = [v for values in ctx.pii.values() for v in values if v in text]
    if leaked:
        raise AssertionError(f"演示清单中混入了 {len(leaked)} 个个人信息值")
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")
    pii = {"note": "演示数据中虚构的申请人个人信息，仅供测试核查其不进入任何数据表；勿提交版本库。",
           "values": ctx.pii}
    (data_dir / PII_NAME).write_text(json.dumps(pii, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    return manifest


def summary(manifest: dict) -> str:
    """A Chinese summary of what was written, for the terminal."""
    lines = [f"已生成中宁县（{manifest['division']}）{manifest['year']}年演示数据，"
             f"统计日 {manifest['as_of']}，随机种子 {manifest['seed']}："]
    for source, t in manifest["totals"].items():
        lines.append(
            f"  {SOURCE_LABELS.get(source, source)}（{source}）：文件 {t['files']} 个，数据行 "
            f"{t['data_rows']} 行，其中预置错误行 {t['bad_rows']} 行、应被替代 "
            f"{t['superseded_rows']} 行、整表拒收 {t['rejected_file_rows']} 行")
    lines.append(f"  预置问题单元格 {len(manifest['defects'])} 处，整表拒收文件 "
                 f"{len(manifest['rejected_files'])} 个，替代关系 {len(manifest['supersessions'])} 组")
    late = manifest["late_returns"][0]
    missing = manifest["missing_returns"][0]
    lines.append(f"  迟报：{late['unit']} {late['period']}；漏报：{missing['unit']} "
                 f"{missing['period']}")
    lines.append(f"  清单：{MANIFEST_NAME}；虚构个人信息列表：{PII_NAME}（勿提交）")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m pipelines.demo [--data-dir DIR] [--seed N]``."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.demo",
                                     description="生成中宁县2018年政务公开演示数据")
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
