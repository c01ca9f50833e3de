"""Queries of the plan-progress notebook: task × unit states, burndown, overdue tasks.

Everything counts ``task_status`` rows (one per task × responsible unit); a unit that
reported a task 不适用 is left out of rates and burndown, as the plan metrics do.
"""

from __future__ import annotations

import json
import os

import duckdb
import pandas as pd

from pipelines.notebooks.analysis import data_dir_of, division_year_frame
from pipelines.notebooks.analysis.display import KeyFigure, KeyFigures
from pipelines.reference.store import ReferenceStore
from pipelines.pack.charts import TASK_STATES

NUMERALS = "一二三四五六七八九十"
STATE_ORDER = list(TASK_STATES)


def _label_states(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(state_label=df["state"].map(lambda s: TASK_STATES.get(s, (s,))[0]))


def section_labels(con: duckdb.DuckDBPyConnection, division: str, year: int,
                   data_dir: str | os.PathLike | None = None) -> dict[str, str]:
    """Section code → ``一、<title>`` from the reviewed plan catalogue, else ``第一部分``.

    The marts keep section codes only; the titles are in ``reference/<division>/plan-<year>.json``.
    """
    rows = con.execute("SELECT DISTINCT section FROM plan_tasks WHERE division = ? AND year = ?",
                       [division, year]).fetchall()
    codes = [code for (code,) in rows]
    titles: dict[str, str] = {}
    store = ReferenceStore(data_dir_of(data_dir) / "reference")
    path = store.find(f"{division}/plan-{year}.json")
    if path is not None:
        for task in json.loads(path.read_text(encoding="utf-8")).get("tasks", []):
            titles.setdefault(str(task.get("section")), task.get("section_title") or "")
    labels = {}
    for code in codes:
        numeral = NUMERALS[int(code) - 1] if code.isdigit() and 0 < int(code) <= len(NUMERALS) else code
        labels[code] = f"{numeral}、{titles[code]}" if titles.get(code) else f"第{numeral}部分"
    return labels


def plan_title(con: duckdb.DuckDBPyConnection, division: str, year: int) -> str:
    """The plan's own title (plan_reporting), or a generic one."""
    row = con.execute("SELECT title FROM plan_reporting WHERE division = ? AND year = ?",
                      [division, year]).fetchone()
    return row[0] if row and row[0] else f"{year}年（数据集市中没有该年度的工作方案）"


def summary(con: duckdb.DuckDBPyConnection, division: str, year: int) -> KeyFigures:
    """Tasks, units, task × unit pairs and how many of those due are done (on time) or overdue."""
    row = con.execute("""
        SELECT (SELECT count(*) FROM plan_tasks WHERE division = $division AND year = $year) AS tasks,
               count(DISTINCT unit) AS units,
               count(*) FILTER (WHERE state <> 'not_applicable') AS pairs,
               count(*) FILTER (WHERE due_on IS NOT NULL AND state <> 'not_applicable') AS with_deadline,
               count(*) FILTER (WHERE state = 'done_on_time') AS done_on_time,
               count(*) FILTER (WHERE state = 'done_late') AS done_late,
               count(*) FILTER (WHERE state = 'overdue') AS overdue,
               count(*) FILTER (WHERE state IN ('in_progress', 'not_due')) AS not_yet_due
        FROM task_status WHERE division = $division AND year = $year
    """, {"division": division, "year": year}).fetchone()
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
    df = division_year_frame(con, """
        SELECT s.*, t.section, t.title, t.title AS task_title, u.kind AS unit_kind
        FROM task_status s
        JOIN plan_tasks t USING (division, year, task_code)
        LEFT JOIN ref_units u USING (division, unit)
        WHERE s.division = $division AND s.year = $year
        ORDER BY string_split(s.task_code, '.')::INTEGER[], u.rowid, s.unit
    """, division, year)
    return _label_states(df)


def _state_counts(group_by: str, order_by: str) -> str:
    counts = ",\n".join(f"count(*) FILTER (WHERE s.state = '{s}') AS {s}" for s in STATE_ORDER)
    return f"""
        SELECT * FROM (
            SELECT {group_by},
                   count(*) FILTER (WHERE s.state <> 'not_applicable') AS pairs,
                   {counts},
                   (count(*) FILTER (WHERE s.state = 'done_on_time'))
                       / nullif(count(*) FILTER (
                           WHERE s.state IN ('done_on_time', 'done_late', 'overdue')), 0) AS on_time_rate
            FROM task_status s
            JOIN plan_tasks t USING (division, year, task_code)
            LEFT JOIN ref_units u USING (division, unit)
            WHERE s.division = $division AND s.year = $year
            GROUP BY ALL
        )
        ORDER BY {order_by}
    """


def states_by_section(con: duckdb.DuckDBPyConnection, division: str, year: int,
                      data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Task × unit pairs by state, one row per section of the plan."""
    sql = _state_counts("t.section", "try_cast(section AS INTEGER), section")
    df = division_year_frame(con, sql, division, year)
    labels = section_labels(con, division, year, data_dir)
    df.insert(0, "section_label", df.pop("section").map(labels))
    return df


def states_by_unit(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Task × unit pairs by state, one row per responsible unit (most overdue first)."""
    return division_year_frame(con, _state_counts("s.unit, u.kind AS unit_kind",
                                     "overdue DESC, done_late DESC, unit_kind, unit"), division, year)


def burndown(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Month by month: pairs due so far, pairs done so far, and pairs due but not yet done.

    Only pairs with a fixed deadline count (a task without one cannot be late). A pair is
    done in the month of its ``completed_on``.
    """
    return division_year_frame(con, """
        WITH months AS (
            SELECT m AS month, last_day(make_date($year, m, 1)) AS month_end FROM range(1, 13) r(m)
        ),
        pairs AS (
            SELECT due_on, completed_on FROM task_status
            WHERE division = $division AND year = $year AND due_on IS NOT NULL AND state <> 'not_applicable'
        )
        SELECT month || '月' AS month_label,
               count(p.due_on) FILTER (WHERE p.due_on <= month_end) AS due_cum,
               count(p.due_on) FILTER (WHERE p.completed_on <= month_end) AS done_cum,
               count(p.due_on) FILTER (
                   WHERE p.due_on <= month_end AND (p.completed_on IS NULL OR p.completed_on > month_end))
                   AS open_due
        FROM months LEFT JOIN pairs p ON true
        GROUP BY month ORDER BY month
    """, division, year)


def overdue_tasks(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Pairs overdue (not done after their deadline) and pairs done late, most urgent first."""
    df = division_year_frame(con, """
        SELECT s.state, s.task_code, t.title AS task_title, s.unit, s.due_on, s.status, s.last_period,
               s.completed_on,
               CASE WHEN s.state = 'done_late' THEN s.completed_on - s.due_on END AS days_late
        FROM task_status s
        JOIN plan_tasks t USING (division, year, task_code)
        WHERE s.division = $division AND s.year = $year AND s.state IN ('overdue', 'done_late')
        ORDER BY s.state = 'done_late', s.due_on, string_split(s.task_code, '.')::INTEGER[], s.unit
    """, division, year)
    df = _label_states(df)
    return df[["state_label", *[c for c in df.columns if c not in ("state", "state_label")]]]


def plan_metrics(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """The ``plan_metrics`` rows of the year: each quantitative target as the build measured it."""
    return division_year_frame(con, """
        SELECT * FROM plan_metrics WHERE division = $division AND year = $year
        ORDER BY task_code IS NULL, string_split(task_code, '.')::INTEGER[], metric
    """, division, year)


def metrics_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """The targets as a reader's table: code, target, measured value and verdict."""
    verdict = metrics["passed"].map({True: "达标", False: "未达标"}).astype(object).fillna("无法计算")
    return metrics[["metric_code", "description", "target", "actual"]].assign(passed_label=verdict)
