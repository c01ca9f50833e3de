"""Queries of the requests notebook: funnel, outcomes, the statutory clock, open and late cases.

A request belongs to the year it was received in. States are the build's verdict at
``GONGKAI_AS_OF`` (``requests.state``); the clock is the rule in force on the day of receipt
(``requests.rule``: 2008 条例 15 working days, 2019 条例 20), counted from ``clock_start_on``.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.notebooks.analysis import division_year_frame
from pipelines.notebooks.analysis.display import KeyFigure, KeyFigures
from pipelines.pack.charts import REQUEST_STATES

_REQUESTS = """
    received AS (
        SELECT q.*, r.answer_working_days AS limit_days,
               r.answer_working_days + CASE WHEN q.extended THEN r.extension_working_days ELSE 0 END
                   AS final_limit_days,
               q.rule || '年条例（' || r.answer_working_days || '个工作日）' AS rule_label
        FROM requests q LEFT JOIN ref_request_rules r USING (rule)
        WHERE q.division = $division AND year(q.received_on) = $year
    )"""


def summary(con: duckdb.DuckDBPyConnection, division: str, year: int) -> KeyFigures:
    """Requests received in the year and where they stand: answered (on time, late), open (overdue)."""
    row = con.execute(f"""
        WITH {_REQUESTS}
        SELECT count(*),
               count(*) FILTER (WHERE state IN ('answered_on_time', 'answered_late')),
               count(*) FILTER (WHERE state = 'answered_on_time'),
               count(*) FILTER (WHERE state = 'answered_late'),
               count(*) FILTER (WHERE state = 'open'),
               count(*) FILTER (WHERE state = 'open_overdue'),
               count(*) FILTER (WHERE extended),
               median(working_days) FILTER (WHERE answered_on IS NOT NULL)
        FROM received
    """, {"division": division, "year": year}).fetchone()
    received, answered, on_time, late, open_, open_overdue, extended, median_days = row
    return KeyFigures([
        KeyFigure("received", "收到申请", received, "件"),
        KeyFigure("answered", "已答复", answered, "件"),
        KeyFigure("answered_on_time", "按时答复", on_time, "件"),
        KeyFigure("answered_late", "逾期答复", late, "件"),
        KeyFigure("open", "办理中（未到期）", open_, "件"),
        KeyFigure("open_overdue", "逾期未答复", open_overdue, "件"),
        KeyFigure("overdue", "逾期合计（逾期答复＋逾期未答复）", late + open_overdue, "件"),
        KeyFigure("extended", "经批准延期", extended, "件"),
        KeyFigure("on_time_rate", "按时答复率（占已答复）", on_time / answered if answered else None, "%"),
        KeyFigure("median_working_days", "答复用时中位数",
                  None if median_days is None else float(median_days), "个工作日"),
    ], caption=f"{year}年收到的依申请公开")


def requests_of(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """``requests`` rows received in the year, with the rule's ``limit_days`` (the charts' input)."""
    sql = f"WITH {_REQUESTS} SELECT * FROM received ORDER BY received_on, request_id"
    return division_year_frame(con, sql, division, year)


def funnel(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Received → answered → answered on time, with each stage's share of those received."""
    return division_year_frame(con, f"""
        WITH {_REQUESTS},
        stages AS (
            SELECT 1 AS ord, '收到申请' AS stage, count(*) AS requests FROM received
            UNION ALL SELECT 2, '已答复', count(*) FILTER (WHERE answered_on IS NOT NULL) FROM received
            UNION ALL SELECT 3, '按时答复', count(*) FILTER (WHERE state = 'answered_on_time') FROM received
        )
        SELECT stage, requests, requests / nullif(first(requests ORDER BY ord) OVER (), 0) AS share
        FROM stages ORDER BY ord
    """, division, year)


def outcomes(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Requests by 办理结果 (尚未办结 for those not answered), largest first."""
    return division_year_frame(con, f"""
        WITH {_REQUESTS}
        SELECT coalesce(outcome, '尚未办结') AS outcome, count(*) AS requests,
               count(*) / sum(count(*)) OVER () AS share
        FROM received GROUP BY ALL ORDER BY requests DESC, outcome
    """, division, year)


def clock_by_rule(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Per rule in force: the statutory limit and the working days requests actually took."""
    return division_year_frame(con, f"""
        WITH {_REQUESTS}
        SELECT rule_label AS rule, any_value(limit_days) AS limit_days, count(*) AS requests,
               count(*) FILTER (WHERE state = 'answered_on_time') AS answered_on_time,
               count(*) FILTER (WHERE state = 'answered_late') AS answered_late,
               count(*) FILTER (WHERE state = 'open_overdue') AS open_overdue,
               count(*) FILTER (WHERE extended) AS extended,
               median(working_days) FILTER (WHERE answered_on IS NOT NULL) AS median_working_days,
               max(working_days) AS max_working_days
        FROM received GROUP BY rule_label ORDER BY rule_label
    """, division, year)


def open_and_late(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Requests still open, and requests answered late: overdue ones first, then by deadline."""
    df = division_year_frame(con, f"""
        WITH {_REQUESTS}
        SELECT state, request_id, unit, received_on, rule_label AS rule, clock_start_on, due_on,
               extended, final_due_on, answered_on, working_days, outcome
        FROM received
        WHERE state IN ('open', 'open_overdue', 'answered_late')
        ORDER BY CASE state WHEN 'open_overdue' THEN 0 WHEN 'answered_late' THEN 1 ELSE 2 END,
                 final_due_on, request_id
    """, division, year)
    df.insert(0, "state_label", df.pop("state").map(lambda s: REQUEST_STATES.get(s, (s,))[0]))
    return df


def applicant_types(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Requests by applicant type and channel (申请方式)."""
    return division_year_frame(con, f"""
        WITH {_REQUESTS},
        counted AS (
            SELECT coalesce(applicant_type, '未填写') AS applicant_type,
                   coalesce(channel, '未填写') AS channel, count(*) AS requests
            FROM received GROUP BY ALL
        )
        SELECT * FROM counted
        ORDER BY sum(requests) OVER (PARTITION BY applicant_type) DESC, applicant_type, requests DESC, channel
    """, division, year)
