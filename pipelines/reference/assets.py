"""Reference assets: the office's rules loaded into the marts as tables.

Group ``reference``. SQL models join against these tables, so a rule change (a new plan, a
calendar correction) is a reference-file change that flows through the next build.
"""


import json
from datetime import date

import dagster as dg
import pandas as pd

from pipelines.db import SqlFolder, count_rows, write_frame
from pipelines.partitions import DIVISIONS
from pipelines.reference.load import (
    event_dates,
    load_calendar,
    load_division,
    read_csv_table,
    store_for,
)
from pipelines.resources import MartsDatabase

GROUP = "reference"
SQL = SqlFolder(__file__)


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
        for unit in ref.registry.units:
            rows.append({"division": division, "unit": unit.name, "kind": unit.kind,
                         "aliases": list(unit.aliases)})
    with marts_db.connect() as con:
        n = write_frame(con, "ref_units", pd.DataFrame(rows), [
            ("division", "VARCHAR"), ("unit", "VARCHAR"), ("kind", "VARCHAR"),
            ("aliases", "VARCHAR[]")])
    return dg.MaterializeResult(metadata={"units": n})


def _target_row(division: str, year: int, task_code: str | None, target) -> dict:
    return {"division": division, "year": year, "task_code": task_code, "metric": target.metric,
            "description": target.description,
            "params": json.dumps(target.params, ensure_ascii=False, sort_keys=True)}


@dg.asset(group_name=GROUP, kinds={"duckdb"}, partitions_def=DIVISIONS, deps=[unit_registry],
          description="年度政务公开工作方案任务目录（由方案原文导入并经审核）")
def plan_catalogue(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """plan_tasks, plan_task_units (task × responsible unit), plan_targets, plan_reporting."""
    settings = marts_db.settings()
    store = store_for(settings)
    tasks, task_units, targets, reporting = [], [], [], []
    for division in [marts_db.division]:
        for plan in load_division(store, division).plans:
            reporting.append({"division": division, "year": plan.year, "title": plan.title,
                              "due_day": plan.reporting_due_day,
                              "first_period": plan.reporting_first_period,
                              "last_period": plan.reporting_last_period})
            for t in plan.tasks:
                tasks.append({
                    "division": division, "year": plan.year, "task_code": t.code,
                    "section": t.section, "title": t.title, "text": t.text,
                    "lead_units": list(t.lead_units), "responsible_units": list(t.responsible_units),
                    "deadline_kind": t.deadline_kind, "deadline_text": t.deadline_text,
                    "due_on": t.due_on, "ongoing": t.ongoing, "event": t.event,
                    "event_offset_days": t.event_offset_days,
                    "target": "；".join(tg.description for tg in t.targets) or None,
                })
                task_units += [{"division": division, "year": plan.year, "task_code": t.code,
                                "unit": u, "is_lead": u in t.lead_units}
                               for u in t.responsible_units]
                targets += [_target_row(division, plan.year, t.code, tg) for tg in t.targets]
            targets += [_target_row(division, plan.year, None, tg) for tg in plan.plan_targets]
    with marts_db.connect() as con:
        write_frame(con, "plan_tasks", pd.DataFrame(tasks), [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("task_code", "VARCHAR"),
            ("section", "VARCHAR"), ("title", "VARCHAR"), ("text", "VARCHAR"),
            ("lead_units", "VARCHAR[]"), ("responsible_units", "VARCHAR[]"),
            ("deadline_kind", "VARCHAR"), ("deadline_text", "VARCHAR"), ("due_on", "DATE"),
            ("ongoing", "BOOLEAN"), ("event", "VARCHAR"), ("event_offset_days", "INTEGER"),
            ("target", "VARCHAR")])
        write_frame(con, "plan_task_units", pd.DataFrame(task_units), [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("task_code", "VARCHAR"),
            ("unit", "VARCHAR"), ("is_lead", "BOOLEAN")])
        write_frame(con, "plan_targets", pd.DataFrame(targets), [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("task_code", "VARCHAR"),
            ("metric", "VARCHAR"), ("description", "VARCHAR"), ("params", "JSON")])
        write_frame(con, "plan_reporting", pd.DataFrame(reporting), [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("title", "VARCHAR"),
            ("due_day", "INTEGER"), ("first_period", "VARCHAR"), ("last_period", "VARCHAR")])
        counts = {t: count_rows(con, t) for t in ("plan_tasks", "plan_task_units", "plan_targets")}
    return dg.MaterializeResult(metadata=counts)


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


ASSETS = [unit_registry, plan_catalogue, working_calendar, reference_rules]
