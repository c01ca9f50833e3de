"""Reference assets: the office's rules loaded into the marts as tables.

Group ``reference``. SQL models join against these tables, so a rule change (a new plan, a
calendar correction) is a reference-file change that flows through the next build.
"""

import json
from datetime import date

import dagster as dg
import pandas as pd

from pipelines.db import SqlFolder, write_frame
from pipelines.partitions import DIVISIONS
from pipelines.reference.load import (
    event_dates,
    load_calendar,
    load_division,
    read_csv_table,
    store_for,
)
from pipelines.reference.store import ReferenceStore
from pipelines.reference.units import whole_label
from pipelines.resources import MartsDatabase

GROUP = "reference"
SQL = SqlFolder(__file__)
DIVISION_TYPES = [("division", "VARCHAR"), ("name", "VARCHAR"), ("short_prefix", "VARCHAR"),
                  ("office", "VARCHAR"), ("whole_label", "VARCHAR")]


def division_row(store: ReferenceStore, division: str) -> dict:
    """One ``ref_divisions`` row from ``<division>/division.json`` (names NULL if there is none)."""
    path = store.find(f"{division}/division.json")
    info = json.loads(path.read_text(encoding="utf-8")) if path else {}
    name, prefix = info.get("name") or None, info.get("short_prefix") or None
    return {"division": division, "name": name, "short_prefix": prefix, "office": info.get("office"),
            "whole_label": whole_label(division, name, prefix)}


@dg.asset(group_name=GROUP, kinds={"duckdb"}, partitions_def=DIVISIONS,
          description="区划名录：名称、简称前缀、政府办公室，以及全区划统计表和行文中的称谓（全县）")
def division_registry(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """ref_divisions: the run's division, the one place readers take its names from."""
    row = division_row(store_for(marts_db.settings()), marts_db.division)
    with marts_db.connect() as con:
        write_frame(con, "ref_divisions", pd.DataFrame([row]), DIVISION_TYPES)
    return dg.MaterializeResult(metadata={"name": row["name"] or "", "whole_label": row["whole_label"]})


@dg.asset(group_name=GROUP, kinds={"duckdb"}, partitions_def=DIVISIONS,
          description="单位名录：规范名称、类型（部门/乡镇）和别名")
def unit_registry(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """ref_units: one row per unit and division."""
    settings = marts_db.settings()
    store = store_for(settings)
    rows = []
    for division in [marts_db.division]:
        ref = load_division(store, division)
        if ref.registry is None:
            continue
        # unit_order keeps the registry's own order for tables and charts: a published view
        # over parquet has no rowid to recover it from.
        for order, unit in enumerate(ref.registry.units, start=1):
            rows.append({"division": division, "unit": unit.name, "kind": unit.kind,
                         "aliases": list(unit.aliases), "unit_order": order})
    with marts_db.connect() as con:
        n = write_frame(con, "ref_units", pd.DataFrame(rows), [
            ("division", "VARCHAR"), ("unit", "VARCHAR"), ("kind", "VARCHAR"),
            ("aliases", "VARCHAR[]"), ("unit_order", "INTEGER")])
    return dg.MaterializeResult(metadata={"units": n})


@dg.asset(group_name=GROUP, kinds={"duckdb"}, partitions_def=DIVISIONS,
          description="工作日历：法定节假日与调休上班日（chinese-calendar + reference/calendar.csv）")
def working_calendar(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """ref_calendar over every year the calendar knows, and the working-day SQL macros."""
    calendar = load_calendar(store_for(marts_db.settings()))
    years = [y for y in range(2004, 2101) if calendar.covers(y)]
    frame = calendar.frame(date(years[0], 1, 1), date(years[-1], 12, 31))
    with marts_db.connect() as con:
        write_frame(con, "ref_calendar", frame, [
            ("day", "DATE"), ("is_workday", "BOOLEAN"), ("holiday_name", "VARCHAR"),
            ("wd_seq", "BIGINT")])
        SQL.run(con, "working_days")
    return dg.MaterializeResult(metadata={"first_day": str(frame["day"].iloc[0]),
                                          "last_day": str(frame["day"].iloc[-1])})


@dg.asset(group_name=GROUP, kinds={"duckdb"}, partitions_def=DIVISIONS,
          description="规则参数：答复时限、主动公开时效、年报模板及办理结果用语、计划事件日期")
def reference_rules(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """ref_request_rules, ref_timeliness, ref_templates, ref_outcomes, ref_events."""
    settings = marts_db.settings()
    store = store_for(settings)
    rules = read_csv_table(store.require("request-rules.csv"))
    timeliness = read_csv_table(store.require("disclosure-timeliness.csv"))
    templates = read_csv_table(store.require("templates/templates.csv"))
    outcomes = read_csv_table(store.require("templates/outcomes.csv"))
    events = event_dates(store, marts_db.division)
    with marts_db.connect() as con:
        write_frame(con, "ref_request_rules", rules, [
            ("rule", "VARCHAR"), ("effective_from", "DATE"), ("effective_to", "DATE"),
            ("answer_working_days", "INTEGER"), ("extension_working_days", "INTEGER"),
            ("basis", "VARCHAR")])
        write_frame(con, "ref_timeliness", timeliness, [
            ("category", "VARCHAR"), ("clock_from", "VARCHAR"), ("limit_days", "INTEGER"),
            ("day_kind", "VARCHAR"), ("basis", "VARCHAR")])
        write_frame(con, "ref_templates", templates, [
            ("template", "VARCHAR"), ("first_year", "INTEGER"), ("last_year", "INTEGER"),
            ("name", "VARCHAR"), ("basis", "VARCHAR")])
        write_frame(con, "ref_outcomes", outcomes, [
            ("template", "VARCHAR"), ("outcome", "VARCHAR"), ("row_code", "VARCHAR")])
        write_frame(con, "ref_events", events, [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("event", "VARCHAR"),
            ("event_on", "DATE"), ("note", "VARCHAR")])
    return dg.MaterializeResult(metadata={"events": len(events), "outcome_words": len(outcomes)})


ASSETS = [division_registry, unit_registry, working_calendar, reference_rules]
