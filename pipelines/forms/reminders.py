"""The reminder list (催报清单): for one division and period, every unit with tasks in the
period whose return is missing, late or refused, with the reason in one line a clerk can read
out on the phone.

Built on the marts alone: ``return_periods`` (who was due, and how the first return came in),
``return_submissions`` (the accepted return), ``quarantine`` (its refused rows) and
``return_files`` (files refused whole, with the unit and period read from them where
they could be). A unit whose return is missing but who sent a file that was refused whole is
listed as refused, with that file's reason: the clerk then asks for a readable file, not for
"the return". Files refused before their unit could be read are listed apart
(:func:`unidentified_files`), by the day they arrived.

``reminder_list(con, division, period)`` is the analysis function the notebooks can call.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from pipelines.db import SqlFolder, table_exists
from pipelines.forms.periods import date_label, due_date, period_label, previous_period
from pipelines.vocabulary import RETURN_RESULTS

SQL = SqlFolder(__file__)
TIMEZONE = ZoneInfo("Asia/Shanghai")
WHOLE_FILE_PREFIX = "整个文件未导入："
# What the list says about each unit, in the order the list shows them.
PROBLEMS: dict[str, str] = {
    "missing": RETURN_RESULTS["missing"],
    "quarantined": "被退回",
    "late": RETURN_RESULTS["late"],
}
COLUMNS = ["division", "period", "unit", "unit_kind", "problem", "problem_label", "due_on",
           "submitted_on", "reason", "file"]
UNIDENTIFIED_COLUMNS = ["file", "received_on", "reason"]


class PeriodNotDue(LookupError):
    """The marts hold no return results for the period (not yet due when they were built)."""


def _plan(con: duckdb.DuckDBPyConnection, division: str, period: str) -> tuple | None:
    return SQL.run(con, "plan_of_period", {"division": division, "period": period}).fetchone()


def _day(v: object) -> date | None:
    if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return None
    return v.date() if isinstance(v, (pd.Timestamp, datetime)) else v


def _row_line(rows: pd.DataFrame) -> str:
    """``第14行“进展状态”填写的“基本完成”有误：…`` for the first refused row, and how many."""
    first = rows.iloc[0]
    value = f"填写的“{first.value_preview}”" if first.value_preview else ""
    line = f"第{int(first.row_number)}行“{first.column_name}”{value}有误：{first.reason}"
    return line if len(rows) == 1 else f"共{len(rows)}行被退回，如{line}"


def _files(con: duckdb.DuckDBPyConnection, division: str) -> pd.DataFrame:
    """Every return file of the division: file, unit, period, error (refused whole), mtime."""
    if not table_exists(con, "return_files"):
        return pd.DataFrame(columns=["file", "unit", "period", "error", "mtime"])
    return SQL.frame(con, "reminder_refused", {"division": division})


def _one(row, label: str, refused: pd.DataFrame, bad_rows: pd.DataFrame,
         arrived: dict[str, float]) -> tuple[str, str, str | None] | None:
    """(problem, reason, file) of one unit, or None when its return is in, on time and whole.

    ``refused`` holds the unit's files of the month refused whole, newest first; one that came
    after the accepted return (a correction that could not be read) is worth a call too.
    """
    due = date_label(_day(row.due_on))
    mine = refused[refused["unit"] == row.unit]
    if row.result == "missing":
        if len(mine):
            first = mine.iloc[0]
            return "quarantined", f"报送表未能导入：{first.error}", first.file
        return "missing", f"未收到{label}的进展报送表（应于{due}前报送）", None
    later = mine[mine["mtime"] > arrived.get(row.source_file, float("inf"))]
    rows = bad_rows[bad_rows["unit"] == row.unit]
    notes = [_row_line(rows)] if len(rows) else []
    if len(later):
        notes.append(f"之后再次报送的文件未能导入：{later.iloc[0].error}")
    if row.result == "late":
        submitted = _day(row.submitted_on)
        line = (f"应于{due}前报送，{date_label(submitted)}才报送" if submitted
                else f"报送表未填报送日期，按逾期处理（应于{due}前报送）")
        return "late", "；".join([line, *notes]), row.source_file
    return ("quarantined", "；".join(notes), row.source_file) if notes else None


def reminder_list(con: duckdb.DuckDBPyConnection, division: str, period: str) -> pd.DataFrame:
    """The units to remind for ``period``: missing, refused (whole or in part), late; one row
    each, in that order, departments before townships. Raises PeriodNotDue when the marts
    hold no results for the period yet."""
    periods = SQL.frame(con, "reminder_periods", {"division": division, "period": period})
    if periods.empty:
        plan = _plan(con, division, period)
        why = (f"截止日期为{date_label(due_date(period, int(plan[2])))}，"
               "构建数据集市时（GONGKAI_AS_OF）尚未过截止日期" if plan else "没有计划在该月报送进展")
        raise PeriodNotDue(f"数据集市中没有 {division} {period_label(period)} 的报送情况：{why}")
    files = _files(con, division)
    arrived = dict(zip(files["file"], files["mtime"], strict=True))
    refused = files[files["error"].notna() & (files["period"] == period) & files["unit"].notna()]
    bad_rows = SQL.frame(con, "reminder_quarantine", {"division": division, "period": period})
    label = period_label(period)
    out = []
    for row in periods.itertuples(index=False):
        found = _one(row, label, refused, bad_rows, arrived)
        if found is None:
            continue
        problem, reason, file = found
        out.append({"division": division, "period": period, "unit": row.unit,
                    "unit_kind": row.unit_kind, "problem": problem, "problem_label": PROBLEMS[problem],
                    "due_on": _day(row.due_on), "submitted_on": _day(row.submitted_on),
                    "reason": reason, "file": file})
    frame = pd.DataFrame(out, columns=COLUMNS)
    order = {p: i for i, p in enumerate(PROBLEMS)}
    frame = frame.assign(_p=frame["problem"].map(order), _k=frame["unit_kind"] == "乡镇")
    return frame.sort_values(["_p", "_k", "unit"]).drop(columns=["_p", "_k"]).reset_index(drop=True)


def unidentified_files(con: duckdb.DuckDBPyConnection, division: str, period: str) -> pd.DataFrame:
    """Return files refused before their unit or period could be read (wrong type, password,
    past a size limit, unknown unit) that arrived while ``period``'s returns were being sent:
    after the previous period's due day, up to this period's."""
    plan = _plan(con, division, period)
    refused = _files(con, division)
    refused = refused[refused["error"].notna() & (refused["unit"].isna() | refused["period"].isna())]
    if plan is None or refused.empty:
        return pd.DataFrame(columns=UNIDENTIFIED_COLUMNS)
    due_day = int(plan[2])
    start, end = due_date(previous_period(period), due_day), due_date(period, due_day)
    received = refused["mtime"].map(lambda t: datetime.fromtimestamp(t, TIMEZONE).date())
    keep = (received > start) & (received <= end)
    return pd.DataFrame({"file": refused["file"][keep], "received_on": received[keep],
                         "reason": refused["error"][keep]}, columns=UNIDENTIFIED_COLUMNS
                        ).reset_index(drop=True)
