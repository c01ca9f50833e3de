"""Reporting periods (``YYYY-MM``): parsing what a clerk types, wording, due dates."""

from __future__ import annotations

import calendar
import re
from datetime import date

_PERIOD_RE = re.compile(r"^\s*(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月份?)?\s*$")


def parse_period(text: str) -> str:
    """``2018-07``, ``2018年7月``, ``2018/7`` → ``2018-07``; ValueError otherwise."""
    m = _PERIOD_RE.match(text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"报送期间应为 2018-07 或 2018年7月 这样的月份，收到：{text!r}")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def period_label(period: str) -> str:
    """``2018-07`` → ``2018年7月``."""
    return f"{int(period[:4])}年{int(period[5:])}月"


def date_label(day: date | None) -> str:
    """``2018-08-05`` → ``2018年8月5日`` (a dash for none)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def month_start(period: str) -> date:
    """The first day of the period."""
    return date(int(period[:4]), int(period[5:]), 1)


def next_period(period: str) -> str:
    """The month after ``period``."""
    y, m = int(period[:4]), int(period[5:])
    return f"{y + 1}-01" if m == 12 else f"{y}-{m + 1:02d}"


def previous_period(period: str) -> str:
    """The month before ``period``."""
    y, m = int(period[:4]), int(period[5:])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def due_date(period: str, due_day: int) -> date:
    """A period's return is due on the plan's due day of the following month (the month's
    last day when it is shorter), as ``return_periods`` computes it."""
    nxt = next_period(period)
    y, m = int(nxt[:4]), int(nxt[5:])
    return date(y, m, min(due_day, calendar.monthrange(y, m)[1]))


def safe_file_name(name: str) -> str:
    """A unit's name as a file name: path separators and characters Windows refuses replaced."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip() or "_"
