"""``annual_report``: the year-end statistics tables (政府信息公开工作年度报告), in the template of the year.

For every division, every report year in the data and the division as a whole as well as
each of its units, every cell of the template in force that year (docs/marts.md,
docs/annual-report-templates.md). Templates are data (``reference/templates/*.json``,
loaded and checked by ``templates.py``); the work is SQL in ``sql/``:

1. ``annual_years``: report years per division and the template in force;
2. ``annual_records``: every record placed in the years it counts in, with its attributes;
3. ``annual_report_sources``: the lineage, one row per cell × contributing record;
4. ``annual_report``: every cell, its value summed from its lineage.

The identities of each table are a blocking check (``identities.py``).
"""


import dagster as dg
import duckdb

from pipelines.annual import history
from pipelines.annual.templates import SPEC_TYPES, load_templates, spec_frames
from pipelines.db import SqlFolder, count_rows, write_frame
from pipelines.partitions import DIVISIONS
from pipelines.reference.load import store_for
from pipelines.resources import MartsDatabase

GROUP = "annual"
SQL = SqlFolder(__file__)
MODELS = ("annual_years", "annual_records", "annual_report_sources", "annual_report")


def build_annual_tables(con: duckdb.DuckDBPyConnection, templates: dict) -> None:
    """Write the template tables and run the models on a connection holding the marts (and
    ``ref_divisions``, the division registry's)."""
    for table, frame in spec_frames(templates).items():
        write_frame(con, table, frame, SPEC_TYPES[table])
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    for model in MODELS:
        SQL.run(con, model)


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    partitions_def=DIVISIONS,
    deps=["reference_rules", "unit_registry", "division_registry", "requests", "disclosures",
          "disclosure_channels", "activities", "appeals", "facts"],
    description="政府信息公开工作年度报告统计表：各区划、各年度（按当年适用模板）全区划及各单位的每个单元格，"
                "并附每个单元格的来源记录（annual_report_sources）",
)
def annual_report(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
    """annual_report and its lineage annual_report_sources, for every year and unit of the
    division this run builds."""
    settings = marts_db.settings()
    store = store_for(settings)
    templates = load_templates(store)
    with marts_db.connect() as con:
        build_annual_tables(con, templates)
        years = con.execute(
            "SELECT division, list(year || '（' || template || '）' ORDER BY year) "
            "FROM staging.annual_years GROUP BY division ORDER BY division").fetchall()
        cells = count_rows(con, "annual_report")
        lineage = count_rows(con, "annual_report_sources")
        totals = SQL.frame(con, "division_totals")
    for division, listed in years:
        context.log.info(f"{division} 年度统计表：{'、'.join(listed)}")
    for line in division_total_lines(totals):
        context.log.info(line)
    return dg.MaterializeResult(metadata={
        "cells": cells,
        "lineage_rows": lineage,
        "years": {d: list(y) for d, y in years},
        "division_totals": len(totals),
    })


def division_total_lines(totals) -> list[str]:
    """What the log says of the facts a division reported as its own total
    (``sql/division_totals``): per year the indicators, and each one whose units' rows it left out."""
    lines = []
    for (division, name, year), part in totals.groupby(["division", "name", "year"], sort=True):
        indicators = "、".join(part["indicator"])
        lines.append(f"{division} {year} 年年度填报指标：{indicators} 采用{name}全区划合计行，"
                     "不再汇总各单位填报")
        for r in part[part["unit_rows"] > 0].itertuples(index=False):
            lines.append(f"{division} {year} 年“{r.indicator}”：采用全区划合计 {r.total:g}，"
                         f"各单位另报的 {r.unit_rows} 行（合计 {r.unit_sum:g}）未计入")
    return lines


ASSETS = [annual_report, *history.ASSETS]
