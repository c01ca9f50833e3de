"""Command line: ``python -m pipelines <command>``.

- ``build``: materialize every asset in-process (every division, every year) and publish.
- ``demo-data``: write the deterministic demo data set into the data directory.
- ``import-plan``: draft a plan catalogue from a plan's text (see pipelines.plan.importer).
- ``explain``: one cell of an annual table and the records behind it (pipelines.annual.explain).
- ``forms``: a period's pre-filled return forms for every unit with tasks (pipelines.forms).
- ``reminders``: a period's reminder list (催报清单) of missing, late and refused returns.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from pipelines.settings import load_settings


def build(args: argparse.Namespace) -> int:
    """Build and publish the divisions whose inputs changed; exit status 1 if any failed."""
    from pipelines.changes import what_changed
    from pipelines.reference.load import divisions

    settings = load_settings()
    print(f"数据目录：{settings.data_dir}　判定日期（GONGKAI_AS_OF）：{settings.as_of}", flush=True)
    started = time.monotonic()
    targets = args.division or divisions(settings)
    if not targets:
        print(f"{settings.raw_dir} 下没有任何区划文件夹（raw/<6位区划代码>/<来源>/），没有可构建的内容。")
        return 0
    todo = []
    for division in targets:
        reasons = [] if args.force else what_changed(settings, division)
        if args.force or reasons:
            todo.append(division)
            print(f"区划 {division}：{'；'.join(reasons) or '强制重建'}，需要构建", flush=True)
        else:
            print(f"区划 {division}：原始文件、参考数据、程序和判定日期均无变化，跳过", flush=True)
    if not todo:
        print(f"\n无需构建（{time.monotonic() - started:.1f} 秒）：全部 {len(targets)} 个区划已是最新。")
        if args.timings:
            args.timings.write_text("[]", encoding="utf-8")
        return 0

    from pipelines.build import run_builds, summary

    outcomes = run_builds(settings, todo, jobs=args.jobs, notebooks=not args.no_notebooks,
                          pack=not args.no_pack)
    print(summary(settings, outcomes, time.monotonic() - started))
    if args.timings:
        args.timings.write_text(json.dumps([o.timings() for o in outcomes], ensure_ascii=False, indent=1),
                                encoding="utf-8")
    return 0 if all(o.success for o in outcomes) else 1


def demo_data(args: argparse.Namespace) -> int:
    """Write the demo data set."""
    from pipelines import demo

    return demo.main(["--data-dir", str(load_settings().data_dir)])


def import_plan(args: argparse.Namespace) -> int:
    """Draft a plan catalogue from its text."""
    from pipelines.plan import importer as plan_import

    return plan_import.main(args.rest)


def explain(args: argparse.Namespace) -> int:
    """Print one annual-table cell and its records; exit status 2 for an unknown cell."""
    from pipelines.annual import explain as cell

    return cell.main(args)


def diff_marts(args: argparse.Namespace) -> int:
    """Compare two marts databases table by table; exit status 1 if they differ."""
    from pipelines.marts import diff

    return diff.main(args.rest)


def forms(args: argparse.Namespace) -> int:
    """Write a period's return forms from the published marts."""
    from pipelines.forms import cli

    return cli.forms(args)


def reminders(args: argparse.Namespace) -> int:
    """Write and print a period's reminder list from the published marts."""
    from pipelines.forms import cli

    return cli.reminders(args)


def _add_forms_commands(sub) -> None:
    for name, func, example, text in (
            ("forms", forms, "2018-07", "为某月每个有任务的单位生成预填好的进展报送表（xlsx）"),
            ("reminders", reminders, "2018-08", "生成某月的催报清单（未报送、逾期、被退回的单位）")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--division", required=True, help="区划代码，如 640521")
        p.add_argument("--period", required=True, help=f"报送期间（月份），如 {example} 或 2018年7月")
        p.set_defaults(func=func)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m pipelines", description="Gongkai 政务公开数据管道")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="构建并发布有变化的区划的数据集市",
                       description="构建并发布数据集市。只构建原始文件、参考数据、程序或判定日期有变化的区划；"
                                   "多个区划时并行构建。")
    p.add_argument("--division", action="append", help="只构建此区划（可重复）；默认 raw/ 下的全部区划")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="同时构建的区划数（默认为本机核数）")
    p.add_argument("--force", action="store_true", help="即使没有变化也重新构建")
    p.add_argument("--no-notebooks", action="store_true", help="不执行分析笔记本（测试、只需数据集市时）")
    p.add_argument("--no-pack", action="store_true", help="不生成领导材料包（只发布数据集市）")
    p.add_argument("--timings", type=Path, help="把每个区划各步骤的起止时间写入此 JSON 文件（基准测试用）")
    p.set_defaults(func=build)
    sub.add_parser("demo-data", help="生成演示数据（中宁县 2018）").set_defaults(func=demo_data)
    p = sub.add_parser("import-plan", help="由方案原文生成计划目录草稿")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=import_plan)
    p = sub.add_parser("explain", help="查看年度统计表某个单元格的数值及其来源记录")
    p.add_argument("--division", required=True, help="区划代码，如 640521")
    p.add_argument("--year", required=True, type=int, help="报告年度，如 2018")
    p.add_argument("--row", required=True, help="行编码，如 3.3.4.c")
    p.add_argument("--col", help="列编码（单列的表可省略，如 value、natural、review.total）")
    p.add_argument("--table", help="表编码（2008 模板为 main；行编码只在一张表中出现时可省略）")
    p.add_argument("--template", help="模板（2008、2019、2021；省略则为当年适用的模板）")
    p.add_argument("--unit", help="单位名称或别名（省略则为全区划合计）")
    p.add_argument("--limit", type=int, default=50, help="每类来源最多列出的记录数，0 为全部")
    p.add_argument("--since", help="与某次发布相比：日期 YYYY-MM-DD（当日或以前的最后一次发布）"
                                   "或构建号（可只写开头几位）；列出原值、现值和增减的来源记录")
    p.set_defaults(func=explain)
    p = sub.add_parser("diff-marts", help="逐表比较两个数据集市（ORDER BY ALL），不同则退出码为 1")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=diff_marts)
    _add_forms_commands(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
