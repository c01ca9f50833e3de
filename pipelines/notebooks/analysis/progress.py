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
from pipelines.pack.wholes import WHOLES
from pipelines.pack.load import state_count_columns, task_figures
from pipelines.vocabulary import FIGURE_LABELS, METRIC_RESULTS, TOTAL_LABEL

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


def _breakdown(figures: dict[str, int], whole: str, depth: int = 0) -> list[KeyFigure]:
    """The whole, then each of its parts indented under it (and their parts, recursively)."""
    indent = "　" * depth + ("其中：" if depth else "")
    out = [KeyFigure(whole, indent + FIGURE_LABELS[whole], figures[whole], "项")]
    for part in WHOLES.get(whole, ()):
        out += _breakdown(figures, part, depth + 1)
    return out


def summary(con: duckdb.DuckDBPyConnection, division: str, year: int) -> KeyFigures:
    """The plan's task figures as wholes and their parts (the same ``load.task_figures`` the
    Word draft states): every pair split by deadline and state, the pairs already due split
    into on time (with and without evidence), late and overdue, and the on-time rate of those
    due, whose base is named."""
    f = task_figures(con, division, year)
    rate = f["due_done_on_time"] / f["due"] if f["due"] else None
    return KeyFigures([
        KeyFigure("tasks", FIGURE_LABELS["tasks"], f["tasks"], "项"),
        KeyFigure("units", FIGURE_LABELS["units"], f["units"], "个"),
        *_breakdown(f, "pairs"),
        *_breakdown(f, "due"),
        KeyFigure("on_time_rate", "按时完成率（已到期·按时完成 ÷ 已到期）", rate, "%"),
    ], caption="任务完成情况（任务×责任单位；“其中”各项相加等于上一级合计）")


def task_states(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Every ``task_status`` row of the year (task × responsible unit), with the task's section
    and title and the unit's kind: the rows the leaders' charts take, plus labels."""
    return _label_states(query(con, "progress/task_states", division, year))


def states_by_section(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Task × unit pairs by state, one row per section of the plan."""
    df = query(con, "progress/state_counts", division, year, group_by="t.section",
               order_by="try_cast(section AS INTEGER), section", states=state_count_columns("s."))
    df.insert(0, "section_label", df.pop("section").map(section_labels(con, division, year)))
    return with_total(df, "section_label")


def states_by_unit(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Task × unit pairs by state, one row per responsible unit (most overdue first)."""
    # one row per office: a unit renamed since is shown under today's name (office_label)
    df = query(con, "progress/state_counts", division, year,
               group_by="coalesce(l.office_label, s.unit) AS unit, u.kind AS unit_kind",
               order_by="overdue DESC, done_late DESC, unit_kind, unit", states=state_count_columns("s."))
    return with_total(df, "unit")


def with_total(df: pd.DataFrame, label_column: str) -> pd.DataFrame:
    """The rows (parts of the year's plan) and a last row 合计, the whole they add up to; its
    on-time rate is of its own counts, not an average of the rows'."""
    counts = [c for c in df.columns if c == "pairs" or c in TASK_STATES or c.startswith("due")]
    total = {c: None for c in df.columns} | {label_column: TOTAL_LABEL}
    total |= {c: int(df[c].sum()) for c in counts}
    total["on_time_rate"] = total["due_done_on_time"] / total["due"] if total["due"] else None
    return pd.concat([df, pd.DataFrame([total])], ignore_index=True)


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
    """The targets as a reader's table: code, target, the measured quantity against its target
    (``actual_value`` of ``actual_base`` where it is a part of a whole, in ``value_unit``), the
    number of shortfalls and the verdict, all read from the columns of ``plan_metrics``."""
    verdict = metrics["passed"].map(lambda p: METRIC_RESULTS[None if pd.isna(p) else bool(p)])
    return metrics[["metric_code", "description", "target", "target_value", "actual_value", "actual_base",
                    "value_unit", "shortfall_count"]].assign(passed_label=verdict)
