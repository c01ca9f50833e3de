"""The statutory request clock, end to end: ledger file → build → `requests` mart.

Every expected date below was counted by hand on the 2018/2019 calendars (rules.md).
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import READ_INTO_MARTS, REQUEST_HEADER, build, frame, marts, write_xlsx

D = dt.date
PII = ["王小明", "640521199001011234", "13800001111"]


def row(rid, received, outcome=None, answered=None, asked=None, done=None, extended=None):
    return [rid, received, "网络", "自然人", "县财政局", outcome, answered, *PII, asked, done, extended, None]


@pytest.fixture(scope="module")
def requests(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("clock")
    rows = [
        REQUEST_HEADER,
        row("A", "2018-09-28", "同意公开", "2018-10-24"),
        row("B", "2018-02-09", "同意公开", "2018-03-08"),
        row("C", "2019-05-14", "予以公开", "2019-06-04"),
        row("D", "2019-05-15", "予以公开", "2019-06-14"),
        row("E", "2018-06-01", "同意公开", "2018-07-03", asked="2018-06-04", done="2018-06-11"),
        row("F", "2018-03-01", "同意部分公开", "2018-04-10", extended="是"),
        row("G", "2018-12-20"),
        row("H", "2018-11-01"),
        row("I", "2018-08-01", "予以公开", "2018-08-10"),
    ]
    write_xlsx(data_dir / "raw" / "640521" / "requests" / "ledger.xlsx", rows)
    build(data_dir, as_of="2018-12-31", selection=READ_INTO_MARTS)
    con = marts(data_dir)
    requests = frame(con, "SELECT * FROM requests").set_index("request_id")
    quarantine = frame(con, "SELECT * FROM quarantine")
    con.close()
    return requests, quarantine


def test_rules_md_examples(requests):
    frame, _ = requests
    assert frame.loc["A", "due_on"] == D(2018, 10, 24) and frame.loc["A", "state"] == "answered_on_time"
    assert frame.loc["A", "working_days"] == 15
    assert frame.loc["B", "due_on"] == D(2018, 3, 7) and frame.loc["B", "state"] == "answered_late"


def test_rule_switch_on_2019_05_15(requests):
    frame, _ = requests
    assert (frame.loc["C", "rule"], frame.loc["C", "due_on"]) == ("2008", D(2019, 6, 4))
    assert (frame.loc["D", "rule"], frame.loc["D", "due_on"]) == ("2019", D(2019, 6, 13))
    # built at 2018-12-31: both replies (2019-06-04, on time; 2019-06-14, a day late) come after
    # the as-of date, so neither request is answered yet, and no working day has passed
    for rid, reply in (("C", D(2019, 6, 4)), ("D", D(2019, 6, 14))):
        assert frame.loc[rid, "state"] == "open" and frame.loc[rid, "reply_after_as_of"] == reply
        assert frame.loc[rid, "working_days"] == 0


def test_supplement_restarts_the_clock(requests):
    frame, _ = requests
    assert frame.loc["E", "clock_start_on"] == D(2018, 6, 11)
    assert frame.loc["E", "due_on"] == D(2018, 7, 3)  # across the Dragon Boat holiday
    assert frame.loc["E", "state"] == "answered_on_time"


def test_extension_adds_fifteen_working_days(requests):
    frame, _ = requests
    assert frame.loc["F", "due_on"] == D(2018, 3, 22)
    assert bool(frame.loc["F", "extended"]) and frame.loc["F", "final_due_on"] == D(2018, 4, 13)
    assert frame.loc["F", "state"] == "answered_on_time"


def test_open_requests_judged_at_as_of(requests):
    frame, _ = requests
    assert frame.loc["G", "due_on"] == D(2019, 1, 11) and frame.loc["G", "state"] == "open"
    assert frame.loc["H", "state"] == "open_overdue"


def test_outcome_of_another_template_is_quarantined(requests):
    frame, quarantine = requests
    assert "I" not in frame.index
    bad = quarantine[quarantine.value_preview == "予以公开"].iloc[0]
    assert bad.column_name == "办理结果" and "2008 模板" in bad.reason and bad.row_number == 10


def test_no_personal_information_in_any_table(requests):
    frame, quarantine = requests
    text = frame.to_csv() + quarantine.to_csv()
    for value in PII:
        assert value not in text
    assert frame["applicant_key"].nunique() == 1  # one applicant, one key
