"""The plan domain's assets: the reviewed catalogue of each year's plan, and its targets measured.

``plan_catalogue`` loads ``reference/<division>/plan-<year>.json`` (imported from the plan's
text by ``importer`` and reviewed) into ``plan_tasks``, ``plan_task_units``, ``plan_targets``
and ``plan_reporting``. ``plan_metrics`` measures every target: the rule for each kind of
target is one SQL file in ``sql/metrics/<metric>.sql``; a target whose kind has no rule yet
is a row with ``passed`` NULL. The WARN checks on the findings are in ``checks.py``.
"""

import json

import dagster as dg
import duckdb
import pandas as pd

from pipelines.db import SqlFolder, count_rows, write_frame
from pipelines.partitions import DIVISIONS
from pipelines.plan.catalogue import division_plans, judged_deadline
from pipelines.reference.load import event_dates, store_for
from pipelines.resources import MartsDatabase
from pipelines.vocabulary import section_label

SQL = SqlFolder(__file__)
GROUP = "plan"


def _target_row(division: str, year: int, task_code: str | None, target) -> dict:
    return {"division": division, "year": year, "task_code": task_code, "metric": target.metric,
            "description": target.description,
            "params": json.dumps(target.params, ensure_ascii=False, sort_keys=True)}


@dg.asset(group_name=GROUP, kinds={"duckdb"}, partitions_def=DIVISIONS, deps=["unit_registry"],
          description="年度政务公开工作方案任务目录（由方案原文导入并经审核），含每项任务的判定时限"
                      "（早于方案印发日期的时限按印发日期加同样间隔判定）")
def plan_catalogue(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """plan_tasks, plan_task_units (task × responsible unit), plan_targets, plan_reporting."""
    settings = marts_db.settings()
    store = store_for(settings)
    tasks, task_units, targets, reporting = [], [], [], []
    for division in [marts_db.division]:
        events = {(int(r.year), r.event): r.event_on
                  for r in event_dates(store, division).itertuples(index=False)}
        for plan in division_plans(store, division):
            reporting.append({"division": division, "year": plan.year, "title": plan.title,
                              "issued_on": plan.issued_on, "due_day": plan.reporting_due_day,
                              "first_period": plan.reporting_first_period,
                              "last_period": plan.reporting_last_period})
            for t in plan.tasks:
                event_on = events.get((plan.year, t.event)) if t.event else None
                deadline = judged_deadline(t, plan.issued_on, event_on)
                tasks.append({
                    "division": division, "year": plan.year, "task_code": t.code,
                    "section": t.section, "section_title": t.section_title,
                    "section_label": section_label(t.section, t.section_title),
                    "title": t.title, "text": t.text,
                    "lead_units": list(t.lead_units), "responsible_units": list(t.responsible_units),
                    "deadline_kind": t.deadline_kind, "deadline_text": t.deadline_text,
                    "due_on": t.due_on, "ongoing": t.ongoing, "event": t.event,
                    "event_offset_days": t.event_offset_days,
                    "target": "；".join(tg.description for tg in t.targets) or None,
                    "plan_issued_on": plan.issued_on, "event_on": event_on,
                    "stated_due_on": deadline.stated_on, "judged_due_on": deadline.due_on,
                    "due_adjusted": deadline.adjusted,
                })
                task_units += [{"division": division, "year": plan.year, "task_code": t.code,
                                "unit": u, "is_lead": u in t.lead_units}
                               for u in t.responsible_units]
                targets += [_target_row(division, plan.year, t.code, tg) for tg in t.targets]
            targets += [_target_row(division, plan.year, None, tg) for tg in plan.plan_targets]
    with marts_db.connect() as con:
        write_frame(con, "plan_tasks", pd.DataFrame(tasks), [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("task_code", "VARCHAR"),
            ("section", "VARCHAR"), ("section_title", "VARCHAR"), ("section_label", "VARCHAR"),
            ("title", "VARCHAR"), ("text", "VARCHAR"),
            ("lead_units", "VARCHAR[]"), ("responsible_units", "VARCHAR[]"),
            ("deadline_kind", "VARCHAR"), ("deadline_text", "VARCHAR"), ("due_on", "DATE"),
            ("ongoing", "BOOLEAN"), ("event", "VARCHAR"), ("event_offset_days", "INTEGER"),
            ("target", "VARCHAR"), ("plan_issued_on", "DATE"), ("event_on", "DATE"),
            ("stated_due_on", "DATE"), ("judged_due_on", "DATE"), ("due_adjusted", "BOOLEAN")])
        write_frame(con, "plan_task_units", pd.DataFrame(task_units), [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("task_code", "VARCHAR"),
            ("unit", "VARCHAR"), ("is_lead", "BOOLEAN")])
        # The plan names units as they were when it was written; unit_current names who
        # carries the task on today (the registry's history, unit_registry).
        con.execute("CREATE OR REPLACE TABLE plan_task_units AS "
                    "SELECT *, unit_current(division, unit) AS unit_current FROM plan_task_units")
        write_frame(con, "plan_targets", pd.DataFrame(targets), [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("task_code", "VARCHAR"),
            ("metric", "VARCHAR"), ("description", "VARCHAR"), ("params", "JSON")])
        write_frame(con, "plan_reporting", pd.DataFrame(reporting), [
            ("division", "VARCHAR"), ("year", "INTEGER"), ("title", "VARCHAR"), ("issued_on", "DATE"),
            ("due_day", "INTEGER"), ("first_period", "VARCHAR"), ("last_period", "VARCHAR")])
        counts = {t: count_rows(con, t) for t in ("plan_tasks", "plan_task_units", "plan_targets")}
    return dg.MaterializeResult(metadata=counts)


def metric_names() -> list[str]:
    """Kinds of target the project can measure (one SQL rule each)."""
    return [name.split("/", 1)[1] for name in SQL.names("metrics")]


def build_plan_metrics(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Write ``plan_metrics``: the rows of the rules ``names``, plus unmeasurable targets."""
    measured = "\nUNION ALL BY NAME\n".join(f"({SQL.render(f'metrics/{n}')})" for n in names)
    SQL.run(con, "plan_metrics", {"known": names}, measured=measured)


METRICS = metric_names()


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    partitions_def=DIVISIONS,
    deps=["plan_catalogue", "unit_registry", "task_status", "return_periods", "disclosures",
          "disclosure_channels", "requests", "activities"],
    description="计划量化指标的实测：目标、实际、是否达标，以及未达标的单位、任务或信息",
)
def plan_metrics(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """Measure every target of every plan of the division."""
    with marts_db.connect() as con:
        SQL.run(con, "target_units")
        build_plan_metrics(con, METRICS)
        targets, passed, missed = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE passed), count(*) FILTER (WHERE NOT passed) "
            "FROM plan_metrics").fetchone()
    return dg.MaterializeResult(metadata={"targets": targets, "passed": passed, "missed": missed})


ASSETS = [plan_catalogue, plan_metrics]
