"""Queries of the requests notebook: funnel, outcomes, the statutory clock, open and late cases.

A request belongs to the year it was received in. States are the build's verdict at
``GONGKAI_AS_OF`` (``requests.state``); the clock is the rule in force on the day of receipt
(``requests.rule``: 2008 条例 15 working days, 2019 条例 20), counted from ``clock_start_on``.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.notebooks.analysis import one_row, query
from pipelines.notebooks.analysis.display import KeyFigure, KeyFigures
from pipelines.pack.charts import REQUEST_STATES
from pipelines.vocabulary import FIGURE_LABELS


def summary(con: duckdb.DuckDBPyConnection, division: str, year: int) -> KeyFigures:
    """Requests received in the year and where they stand: answered (on time, late), open (overdue)."""
    row = one_row(con, "requests/summary", division, year)
    received, answered, on_time, late, open_, open_overdue, extended, median_days = row
    words = FIGURE_LABELS
    return KeyFigures([
        KeyFigure("received", words["requests_received"], received, "件"),
        KeyFigure("answered", "　其中：" + words["requests_answered"], answered, "件"),
        KeyFigure("answered_on_time", "　　其中：" + words["requests_answered_on_time"], on_time, "件"),
        KeyFigure("answered_late", "　　其中：" + words["requests_answered_late"], late, "件"),
        KeyFigure("unanswered", "　其中：" + words["requests_unanswered"], open_ + open_overdue, "件"),
        KeyFigure("open", "　　其中：" + words["requests_open"], open_, "件"),
        KeyFigure("open_overdue", "　　其中：" + words["requests_open_overdue"], open_overdue, "件"),
        KeyFigure("overdue", "逾期合计（逾期答复＋逾期未答复）", late + open_overdue, "件"),
        KeyFigure("extended", "经批准延期", extended, "件"),
        KeyFigure("on_time_rate", "按时答复率（占已答复）", on_time / answered if answered else None, "%"),
        KeyFigure("median_working_days", "答复用时中位数",
                  None if median_days is None else float(median_days), "个工作日"),
    ], caption=f"{year}年收到的依申请公开（“其中”各项相加等于上一级合计）")


def requests_of(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """``requests`` rows received in the year, with the rule's ``limit_days`` (the charts' input)."""
    return query(con, "requests/received", division, year)


def funnel(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Received → answered → answered on time, with each stage's share of those received."""
    return query(con, "requests/funnel", division, year)


def outcomes(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Requests by 办理结果 (尚未办结 for those not answered), largest first."""
    return query(con, "requests/outcomes", division, year)


def clock_by_rule(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Per rule in force: the statutory limit and the working days requests actually took."""
    return query(con, "requests/clock_by_rule", division, year)


def open_and_late(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Requests still open, and requests answered late: overdue ones first, then by deadline."""
    df = query(con, "requests/open_and_late", division, year)
    df.insert(0, "state_label", df.pop("state").map(lambda s: REQUEST_STATES.get(s, (s,))[0]))
    return df


def applicant_types(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Requests by applicant type and channel (申请方式)."""
    return query(con, "requests/applicant_types", division, year)
