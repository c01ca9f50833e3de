"""Checks of the annual domain: the tables' arithmetic identities, blocking (a table that breaks
one is not published; ``identities.broken_identities`` judges, the leaders' pack uses the same),
and a warning when a build changes a published cell of a year already closed.
"""

import dagster as dg

from pipelines.annual.history import SQL as HISTORY_SQL
from pipelines.annual.identities import broken_identities
from pipelines.resources import MartsDatabase
from pipelines.vocabulary import format_number

SHOWN_CHANGES = 50


@dg.asset_check(
    asset="annual_report",
    name="annual_identities",
    blocking=True,
    description="年报统计表勾稽关系（各模板文件中的 identities）：每张表（区划 × 单位 × 年度）"
                "逐列、逐行核对，不成立则不发布",
)
def annual_identities(context: dg.AssetCheckExecutionContext, marts_db: MartsDatabase) -> dg.AssetCheckResult:
    """Blocking: every identity of every annual table holds; the metadata names broken cells."""
    with marts_db.connect() as con:
        broken = broken_identities(con)
        tables = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT division, unit, year, template, table_code "
            "FROM annual_report)").fetchone()[0]
    for b in broken[:50]:
        context.log.error(f"年报勾稽关系不成立：{b.message}")
    return dg.AssetCheckResult(
        passed=not broken,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "tables": tables,
            "broken": len(broken),
            "broken_cells": [b.message for b in broken[:200]],
        },
    )


def _value(value, missing: bool) -> str:
    if missing:
        return "（无此单元格）"
    return "空" if value is None else format_number(value)


def closed_year_lines(rows) -> list[str]:
    """One Chinese line per changed cell of a closed year (``history/closed_year_changes``)."""
    lines = []
    for (division, year, unit_label, table, row, label, col, col_label, old, new, added, removed,
         _previous) in rows:
        column = "" if col == "value" else f"「{col_label or col}」列"
        lines.append(f"{division} {year} 年 {unit_label} 表 {table} 第 {row} 行「{label}」{column}："
                     f"{_value(old, added)} → {_value(new, removed)}")
    return lines


@dg.asset_check(
    asset="figure_history",
    name="annual_closed_year_changes",
    blocking=False,
    description="已关账年度（次年 1 月 31 日之后）的年报统计表单元格与上次发布相比发生变化时警告（不阻断）："
                "已签发的年度报告不被悄悄推翻",
)
def closed_year_changes(context: dg.AssetCheckExecutionContext,
                        marts_db: MartsDatabase) -> dg.AssetCheckResult:
    """WARN: name every published cell of a closed year that this build changes."""
    with marts_db.connect() as con:
        rows = HISTORY_SQL.run(con, "history/closed_year_changes").fetchall()
    lines = closed_year_lines(rows)
    years = sorted({r[1] for r in rows})
    if lines:
        context.log.warning(f"已关账年度 {'、'.join(map(str, years))} 有 {len(lines)} 个已发布的统计表单元格"
                            "与上次发布不同（详见 explain --since 和材料包“与上次发布相比”）")
    for line in lines[:SHOWN_CHANGES]:
        context.log.warning(line)
    return dg.AssetCheckResult(
        passed=not lines,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"changed_cells": len(lines), "years": [int(y) for y in years],
                  "cells": lines[:200]},
    )


CHECKS = [annual_identities, closed_year_changes]
