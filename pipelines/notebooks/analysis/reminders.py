"""The reminder lists (催报清单) in the plan-progress notebook: the year month by month, and
one month's list as the clerk phones it through.

The lists themselves come from :mod:`pipelines.forms.reminders`, the same function the
``return_reminders`` asset and ``python -m pipelines reminders`` call, so the notebook, the UI
and the xlsx never disagree.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.forms.periods import period_label
from pipelines.forms.reminders import PROBLEMS, reminder_list
from pipelines.notebooks.analysis import query

# The list's problems as the month table's columns ("late" already names late disclosures).
COLUMNS = {problem: column for problem, column in
           zip(PROBLEMS, ("missing", "quarantined", "late_submitted"), strict=True)}


def due_periods(con: duckdb.DuckDBPyConnection, division: str, year: int) -> list[str]:
    """The year's reporting periods that were due when the marts were built, oldest first."""
    return query(con, "reminders/due_periods", division, year)["period"].tolist()


def by_month(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """One row per due period: units with tasks, and how many are on the reminder list for
    each reason (未报送, 被退回, 逾期报送)."""
    counts = query(con, "reminders/units_due", division, year).set_index("period")["units_due"]
    rows = []
    for period in due_periods(con, division, year):
        problems = reminder_list(con, division, period)["problem"].value_counts()
        rows.append({"month_label": period_label(period), "units_due": int(counts.get(period, 0)),
                     **{column: int(problems.get(p, 0)) for p, column in COLUMNS.items()}})
    return pd.DataFrame(rows, columns=["month_label", "units_due", *COLUMNS.values()])


def month_list(con: duckdb.DuckDBPyConnection, division: str, year: int,
               period: str | None = None) -> tuple[str | None, pd.DataFrame]:
    """(period, its reminder list): ``period`` (``YYYY-MM``), or the year's latest due one."""
    if period is None:
        periods = due_periods(con, division, year)
        if not periods:
            return None, pd.DataFrame(columns=["unit", "problem_label", "due_on", "submitted_on", "reason"])
        period = periods[-1]
    frame = reminder_list(con, division, period)
    return period, frame[["unit", "problem_label", "due_on", "submitted_on", "reason"]]
