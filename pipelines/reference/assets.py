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
from pipelines.reference.names import normalize_text
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


UNIT_TYPES = [("division", "VARCHAR"), ("unit", "VARCHAR"), ("kind", "VARCHAR"),
              ("aliases", "VARCHAR[]"), ("unit_order", "INTEGER"), ("valid_from", "DATE"),
              ("valid_to", "DATE")]
CHANGE_TYPES = [("division", "VARCHAR"), ("change_no", "INTEGER"), ("changed_on", "DATE"),
                ("kind", "VARCHAR"), ("old_units", "VARCHAR[]"), ("new_units", "VARCHAR[]"),
                ("grace_until", "DATE"), ("source", "VARCHAR"), ("verified", "BOOLEAN"),
                ("note", "VARCHAR")]
SPELLING_TYPES = [("division", "VARCHAR"), ("spelling", "VARCHAR"), ("unit", "VARCHAR")]


def registry_frames(registry, division: str) -> dict[str, pd.DataFrame]:
    """ref_units, ref_unit_changes and ref_unit_spellings of one division's registry."""
    units, changes, spellings = [], [], []
    if registry is not None:
        # unit_order keeps the registry's own order for tables and charts: a published view
        # over parquet has no rowid to recover it from.
        for order, unit in enumerate(registry.units, start=1):
            units.append({"division": division, "unit": unit.name, "kind": unit.kind,
                          "aliases": list(unit.aliases), "unit_order": order,
                          "valid_from": unit.valid_from, "valid_to": unit.valid_to})
            spellings += [{"division": division, "spelling": normalize_text(s), "unit": unit.name}
                          for s in registry.spellings(unit)]
        changes = [{"division": division, "change_no": c.line, "changed_on": c.changed_on,
                    "kind": c.kind, "old_units": list(c.old_units), "new_units": list(c.new_units),
                    "grace_until": c.grace_until, "source": c.source, "verified": c.verified,
                    "note": c.note} for c in registry.changes]
    tables = {"ref_units": (units, UNIT_TYPES), "ref_unit_changes": (changes, CHANGE_TYPES),
              "ref_unit_spellings": (spellings, SPELLING_TYPES)}
    # A generated spelling may repeat an alias the office also listed ("县财政局" → "财政局").
    frames = {table: pd.DataFrame(rows, columns=[n for n, _ in types])
              for table, (rows, types) in tables.items()}
    frames["ref_unit_spellings"] = frames["ref_unit_spellings"].drop_duplicates()
    return frames


@dg.asset(group_name=GROUP, kinds={"duckdb"}, partitions_def=DIVISIONS,
          description="单位名录：规范名称、类型（部门/乡镇）、别名、名称有效期，以及机构改革的更名、合并、拆分记录")
def unit_registry(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """ref_units (one row per unit that has existed), ref_unit_changes, ref_unit_spellings, and
    from them ref_unit_lineage (each unit's successor today) and ref_unit_checks."""
    division = marts_db.division
    ref = load_division(store_for(marts_db.settings()), division)
    frames = registry_frames(ref.registry, division)
    types = {"ref_units": UNIT_TYPES, "ref_unit_changes": CHANGE_TYPES,
             "ref_unit_spellings": SPELLING_TYPES}
    with marts_db.connect() as con:
        counts = {table: write_frame(con, table, frame, types[table]) for table, frame in frames.items()}
        SQL.run(con, "unit_history")
    return dg.MaterializeResult(metadata={"units": counts["ref_units"],
                                          "changes": counts["ref_unit_changes"]})


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
