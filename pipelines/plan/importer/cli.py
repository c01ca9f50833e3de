"""``python -m pipelines import-plan`` (or ``python -m pipelines.plan.importer``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.plan.importer.draft import dump_catalogue, import_plan
from pipelines.reference.units import load_registry


def main(argv: list[str] | None = None) -> int:
    """Command line: import a plan text and write the draft catalogue.

    Refuses to replace an existing catalogue without ``--force``, because the committed file
    carries the office's review. Returns the process exit code.
    """
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.plan.importer", description="从计划文本生成计划目录草稿（JSON）"
    )
    parser.add_argument("text", type=Path, help="计划文本文件（UTF-8）")
    parser.add_argument("--division", required=True, help="6位行政区划代码，如 640521")
    parser.add_argument("--year", required=True, type=int, help="计划年度")
    parser.add_argument("--out", required=True, type=Path, help="输出的 plan-<年度>.json")
    parser.add_argument("--force", action="store_true", help="覆盖已存在（已审核）的输出文件")
    parser.add_argument(
        "--reference-dir",
        type=Path,
        help="单位名录所在目录（含 units.csv、division.json），默认为计划文本所在目录",
    )
    parser.add_argument("--due-day", type=int, default=5, help="月报截止日（次月几日），默认 5")
    parser.add_argument("--first-period", help="首个报送期间 YYYY-MM，默认取计划发表月份")
    args = parser.parse_args(argv)

    if args.out.exists() and not args.force:
        print(
            f"输出文件 {args.out} 已存在且可能已审核，未覆盖；确需重新生成请加 --force",
            file=sys.stderr,
        )
        return 2
    reference_dir = args.reference_dir or args.text.parent
    try:
        registry = load_registry(reference_dir)
        catalogue = import_plan(
            args.text.read_text(encoding="utf-8-sig"),
            division=args.division,
            year=args.year,
            registry=registry,
            source_text=args.text.name,
            due_day=args.due_day,
            first_period=args.first_period,
        )
    except (OSError, ValueError) as exc:
        print(f"导入失败：{exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump_catalogue(catalogue), encoding="utf-8")
    print(f"已写出 {args.out}：{len(catalogue['tasks'])} 项任务，请逐项审核后提交")
    return 0
