"""The working-day calendar: statutory holidays and adjusted working days (调休).

The ``chinese_calendar`` package supplies the State Council's yearly holiday notices; the
office's ``reference/calendar.csv`` overrides it day by day and extends it to years the
package does not know. A date in a year that neither covers is an error, never a guess:
a wrong working day silently moves every statutory deadline.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from chinese_calendar import constants as cc_constants

OVERRIDE_FILE = "calendar.csv"
_PACKAGE_YEARS = range(
    min(cc_constants.holidays).year, max(cc_constants.holidays).year + 1
)


# chinese_calendar names holidays in English; people here read Chinese.
_HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


# The package's own tables, read directly: its functions check the date's year against the
# range of every date they hold at each call (~0.5 s of each process's first build went there).
def package_is_workday(day: date) -> bool:
    """Working day under the State Council's holiday notices as chinese_calendar has them (no
    office overrides): chinese_calendar.is_workday's rule on the same tables."""
    return day in cc_constants.workdays or (day.weekday() < 5 and day not in cc_constants.holidays)


def _package_holiday(day: date) -> tuple[bool, str | None]:
    # chinese_calendar.get_holiday_detail's rule: a declared working day, a holiday, or a weekend
    if day in cc_constants.workdays:
        return False, cc_constants.workdays[day]
    if day in cc_constants.holidays:
        return True, cc_constants.holidays[day]
    return day.weekday() > 4, None


class CalendarNotCovered(ValueError):
    """A date falls in a year for which no holiday notice is known."""


@dataclass(frozen=True)
class Override:
    """One line of ``calendar.csv``: a day declared a holiday or a working day."""

    day: date
    kind: str  # "holiday" or "workday"
    name: str


def read_overrides(path: Path | None) -> list[Override]:
    """Parse ``calendar.csv`` (columns date, kind, name); errors name the file and line."""
    if path is None or not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            kind = (row.get("kind") or "").strip()
            if kind not in ("holiday", "workday"):
                raise ValueError(f"{path} 第{line_no}行：kind 应为 holiday 或 workday，实为“{kind}”")
            try:
                day = date.fromisoformat((row.get("date") or "").strip())
            except ValueError as exc:
                raise ValueError(f"{path} 第{line_no}行：date 应为 YYYY-MM-DD") from exc
            out.append(Override(day, kind, (row.get("name") or "").strip()))
    return out


class WorkingCalendar:
    """Answers "is this a working day" and counts working days, per rules.md."""

    def __init__(self, overrides: list[Override], override_path: Path | None = None) -> None:
        self._overrides = {o.day: o for o in overrides}
        self._override_years = {o.day.year for o in overrides}
        self._override_path = override_path

    @classmethod
    def from_file(cls, path: Path | None) -> WorkingCalendar:
        """Calendar with the package's data and the overrides in ``path`` (if it exists)."""
        return cls(read_overrides(path), path)

    def covers(self, year: int) -> bool:
        """Whether holiday data for ``year`` is known (package or override file)."""
        return year in _PACKAGE_YEARS or year in self._override_years

    def _check(self, day: date) -> None:
        if not self.covers(day.year):
            where = self._override_path or f"data/reference/{OVERRIDE_FILE}"
            raise CalendarNotCovered(
                f"工作日历没有 {day.year} 年的数据（日期 {day.isoformat()}）：chinese-calendar 包只覆盖 "
                f"{_PACKAGE_YEARS.start}–{_PACKAGE_YEARS.stop - 1} 年。请按国务院办公厅当年节假日安排通知，"
                f"在 {where} 中补充 {day.year} 年的法定节假日（holiday）和调休上班日（workday）。"
            )

    def is_workday(self, day: date) -> bool:
        """Mon–Fri that is not a holiday, or a weekend day declared a working day."""
        self._check(day)
        override = self._overrides.get(day)
        if override is not None:
            return override.kind == "workday"
        if day.year in _PACKAGE_YEARS:
            return package_is_workday(day)
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """Name of the holiday or adjusted working day, where one is known."""
        override = self._overrides.get(day)
        if override is not None:
            return override.name or None
        if day.year in _PACKAGE_YEARS:
            on_holiday, name = _package_holiday(day)
            if name:
                name = _HOLIDAY_ZH.get(name, name)
                return name if on_holiday else f"{name}（调休上班）"
        return None

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself does not count)."""
        day, left = start, n
        while left > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when answered the same day or earlier."""
        if end <= start:
            return 0
        return sum(
            self.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
        )

    def frame(self, first: date, last: date) -> pd.DataFrame:
        """One row per day with ``is_workday`` and the running working-day ordinal ``wd_seq``.

        SQL counts working days as a difference of ``wd_seq`` and finds the n-th working day
        after D as the first working day whose ``wd_seq`` is ``wd_seq(D) + n``.
        """
        days = pd.date_range(first, last, freq="D").date
        is_work = [self.is_workday(d) for d in days]
        return pd.DataFrame(
            {
                "day": days,
                "is_workday": is_work,
                "holiday_name": [self.holiday_name(d) for d in days],
                "wd_seq": pd.Series(is_work, dtype="int64").cumsum(),
            }
        )
