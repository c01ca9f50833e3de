"""Queries of the plan-progress notebook: task × unit states, burndown, overdue tasks.

Everything counts ``task_status`` rows (one per task × responsible unit); a unit that
reported a task 不适用 is left out of rates and burndown, as the plan metrics do.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.notebooks.analysis import one_row, query
from pipelines.notebooks.analysis.display import KeyFigure, KeyFigures
from pipelines.pack.charts import TASK_STATES

STATE_ORDER = list(TASK_STATES)


def _label_states(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(state_label=df["state"].map(lambda s: TASK_STATES.get(s, (s,))[0]))


def section_labels(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, str]:
    """Section code → its heading (``一、<title>``, ``第一部分`` without one), from ``plan_tasks``."""
    df = query(con, "progress/section_labels", division, year)
    return dict(zip(df["section"], df["section_label"], strict=True))


def plan_title(con: duckdb.DuckDBPyConnection, division: str, year: int) -> str:
    """The plan's own title (plan_reporting), or a generic one."""
    row = one_row(con, "progress/plan_title", division, year)
    return row[0] if row and row[0] else f"{year}年（数据集市中没有该年度的工作方案）"


def summary(con: duckdb.DuckDBPyConnection, division: str, year: int) -> KeyFigures:
    """Tasks, units, task × unit pairs and how many of those due are done (on time) or overdue."""
    row = one_row(con, "progress/summary", division, year)
    tasks, units, pairs, with_deadline, on_time, late, overdue, not_yet_due = row
    due = on_time + late + overdue
    return KeyFigures([
        KeyFigure("tasks", "方案任务", tasks, "项"),
        KeyFigure("units", "责任单位", units, "个"),
        KeyFigure("pairs", "任务×责任单位", pairs, "项"),
        KeyFigure("with_deadline", "其中有明确完成时限", with_deadline, "项"),
        KeyFigure("done_on_time", "按时完成", on_time, "项"),
        KeyFigure("done_late", "逾期完成", late, "项"),
        KeyFigure("overdue", "逾期未完成", overdue, "项"),
        KeyFigure("not_yet_due", "未到期或推进中", not_yet_due, "项"),
        KeyFigure("on_time_rate", "按时完成率（按时完成 ÷（已完成＋逾期未完成））",
                  on_time / due if due else None, "%"),
    ], caption="任务完成情况（任务×责任单位）")


def task_states(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Every ``task_status`` row of the year (task × responsible unit), with the task's section
    and title and the unit's kind: the rows the leaders' charts take, plus labels."""
    return _label_states(query(con, "progress/task_states", division, year))


def states_by_section(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Task × unit pairs by state, one row per section of the plan."""
    df = query(con, "progress/state_counts", division, year, group_by="t.section",
               order_by="try_cast(section AS INTEGER), section")
    df.insert(0, "section_label", df.pop("section").map(section_labels(con, division, year)))
    return df


def states_by_unit(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Task × unit pairs by state, one row per responsible unit (most overdue first)."""
    # one row per office: a unit renamed since is shown under today's name (office_label)
    return query(con, "progress/state_counts", division, year,
                 group_by="coalesce(l.office_label, s.unit) AS unit, u.kind AS unit_kind",
                 order_by="overdue DESC, done_late DESC, unit_kind, unit")


def burndown(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Month by month: pairs due so far, pairs done so far, and pairs due but not yet done.

    Only pairs with a fixed deadline count (a task without one cannot be late). A pair is
    done in the month of its ``completed_on``.
    """
    return query(con, "progress/burndown", division, year)


def overdue_tasks(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Pairs overdue (not done after their deadline) and pairs done late, most urgent first."""
    df = _label_states(query(con, "progress/overdue_tasks", division, year))
    return df[["state_label", *[c for c in df.columns if c not in ("state", "state_label")]]]


def plan_metrics(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """The ``plan_metrics`` rows of the year: each quantitative target as the build measured it."""
    return query(con, "progress/plan_metrics", division, year)


def metrics_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """The targets as a reader's table: code, target, measured value and verdict."""
    verdict = metrics["passed"].map({True: "达标", False: "未达标"}).astype(object).fillna("无法计算")
    return metrics[["metric_code", "description", "target", "actual"]].assign(passed_label=verdict)
