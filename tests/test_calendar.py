"""The working-day calendar: every 2018 holiday and 调休 day of rules.md, overrides, gaps."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.reference.calendar import CalendarNotCovered, WorkingCalendar

D = dt.date
HOLIDAYS_2018 = [D(2018, 1, 1), *[D(2018, 2, d) for d in range(15, 22)], *[D(2018, 4, d) for d in (5, 6, 7)],
                 D(2018, 4, 29), D(2018, 4, 30), D(2018, 5, 1), *[D(2018, 6, d) for d in (16, 17, 18)],
                 *[D(2018, 9, d) for d in (22, 23, 24)], *[D(2018, 10, d) for d in range(1, 8)],
                 D(2018, 12, 30), D(2018, 12, 31)]
ADJUSTED_2018 = [D(2018, 2, 11), D(2018, 2, 24), D(2018, 4, 8), D(2018, 4, 28), D(2018, 9, 29),
                 D(2018, 9, 30), D(2018, 12, 29)]


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar.from_file(None)


@pytest.mark.parametrize("day", HOLIDAYS_2018, ids=str)
def test_2018_holidays_are_not_working_days(cal, day):
    assert not cal.is_workday(day)


@pytest.mark.parametrize("day", ADJUSTED_2018, ids=str)
def test_2018_adjusted_weekend_days_are_working_days(cal, day):
    assert day.weekday() >= 5 and cal.is_workday(day)


def test_working_days_in_2018(cal):
    # 365 days − 104 weekend days − 24 holiday weekdays... counted from the lists above:
    weekdays = sum(1 for i in range(365) if (D(2018, 1, 1) + dt.timedelta(i)).weekday() < 5)
    holiday_weekdays = sum(1 for d in HOLIDAYS_2018 if d.weekday() < 5)
    assert cal.frame(D(2018, 1, 1), D(2018, 12, 31))["is_workday"].sum() == (
        weekdays - holiday_weekdays + len(ADJUSTED_2018))


def test_rules_md_examples(cal):
    assert cal.add_working_days(D(2018, 9, 28), 15) == D(2018, 10, 24)
    assert cal.add_working_days(D(2018, 2, 9), 15) == D(2018, 3, 7)
    # D itself does not count; the Nth working day after D is the last day
    assert cal.add_working_days(D(2018, 7, 2), 1) == D(2018, 7, 3)
    assert cal.working_days_between(D(2018, 9, 28), D(2018, 10, 24)) == 15
    assert cal.working_days_between(D(2018, 9, 28), D(2018, 9, 28)) == 0


def test_frame_sequence_matches_counting(cal):
    frame = cal.frame(D(2018, 9, 1), D(2018, 10, 31)).set_index("day")
    assert frame.loc[D(2018, 10, 24), "wd_seq"] - frame.loc[D(2018, 9, 28), "wd_seq"] == 15
    assert frame.loc[D(2018, 10, 1), "holiday_name"] == "国庆节"
    assert frame.loc[D(2018, 9, 29), "holiday_name"].endswith("（调休上班）")


def test_override_file_wins_and_extends(tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text("date,kind,name\n2018-07-02,holiday,县庆（示例）\n"
                    "2027-01-01,holiday,元旦\n2027-02-06,workday,春节调休\n", encoding="utf-8")
    cal = WorkingCalendar.from_file(path)
    assert not cal.is_workday(D(2018, 7, 2))
    assert cal.is_workday(D(2027, 2, 6)) and not cal.is_workday(D(2027, 1, 1))
    assert cal.is_workday(D(2027, 3, 1))


def test_uncovered_year_fails_loudly_naming_the_file(tmp_path):
    cal = WorkingCalendar.from_file(tmp_path / "calendar.csv")
    with pytest.raises(CalendarNotCovered) as err:
        cal.is_workday(D(2031, 5, 6))
    assert "2031" in str(err.value) and "calendar.csv" in str(err.value)


def test_bad_override_line_is_named(tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text("date,kind,name\n2018-07-02,day-off,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="第2行"):
        WorkingCalendar.from_file(path)
