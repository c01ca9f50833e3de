"""Command line: ``python -m pipelines <command>``.

- ``build``: materialize every asset in-process (every division, every year) and publish.
- ``demo-data``: write the deterministic demo data set into the data directory.
- ``import-plan``: draft a plan catalogue from a plan's text (see pipelines.plan_import).
"""

from __future__ import annotations

import argparse
import sys
import time

import dagster as dg

from pipelines.settings import load_settings


def _instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set (make ui), CLI runs show up in the UI's run history.
    import os

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def build(args: argparse.Namespace) -> int:
    """Build and publish everything; exit status 1 if any step failed."""
    import duckdb

    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, make_resources

    settings = load_settings()
    print(f"数据目录：{settings.data_dir}　判定日期（GONGKAI_AS_OF）：{settings.as_of}", flush=True)
    started = time.monotonic()
    with _instance() as instance:
        result = dg.materialize(
            [*ALL_ASSETS, *ALL_CHECKS], resources=make_resources(), instance=instance, raise_on_error=False,
            tags={"gongkai/trigger": "cli"},
            # Step starts, successes and the assets' own summaries; DEBUG events are for the UI.
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    elapsed = time.monotonic() - started
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        print(f"构建失败（{elapsed:.1f} 秒）：失败步骤 {', '.join(failed)}。已发布的数据集市保持不变。",
              file=sys.stderr)
        return 1
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name='main' "
            "AND NOT starts_with(table_name, 'ref_') ORDER BY 1").fetchall()]
        print(f"\n构建完成（{elapsed:.1f} 秒）。数据集市：{settings.db_path}")
        for t in tables:
            print(f"  {t:<22}{con.execute(f'SELECT count(*) FROM {t}').fetchone()[0]:>8} 行")
        reasons = con.execute(
            "SELECT source, count(*) FROM quarantine GROUP BY 1 ORDER BY 1").fetchall()
        if reasons:
            print("隔离记录（详见 quarantine 表）：" + "，".join(f"{s} {n}" for s, n in reasons))
    finally:
        con.close()
    return 0


def demo_data(args: argparse.Namespace) -> int:
    """Write the demo data set."""
    from pipelines import demo

    return demo.main(["--data-dir", str(load_settings().data_dir)])


def import_plan(args: argparse.Namespace) -> int:
    """Draft a plan catalogue from its text."""
    from pipelines import plan_import

    return plan_import.main(args.rest)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m pipelines", description="Gongkai 政务公开数据管道")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="构建并发布全部数据集市").set_defaults(func=build)
    sub.add_parser("demo-data", help="生成演示数据（中宁县 2018）").set_defaults(func=demo_data)
    p = sub.add_parser("import-plan", help="由方案原文生成计划目录草稿")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=import_plan)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
