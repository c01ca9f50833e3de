"""Resubmitted returns, re-exported ledgers, quarantine reasons and the ingest log."""

from __future__ import annotations

import hashlib
import os

import pytest
from conftest import READ_INTO_MARTS, REQUEST_HEADER, build, frame, marts, return_rows, write_csv, write_xlsx

RAW = ("raw", "640521")


def task(code, status, done=None, url=None):
    return [code, "任务", status, done, None, url, None]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("supersession")
    returns = data_dir.joinpath(*RAW, "returns")
    first = write_xlsx(returns / "a.xlsx", return_rows("县财政局", "2018年7月", "2018年8月3日", [
        task("1.1.1", "推进中"), task("2.1.1", "推进中")]))
    second = write_xlsx(returns / "b.xlsx", return_rows("财政局", "2018-07", "2018-08-06", [
        task("1.1.1", "已完成", "2018-06-28", "http://www.znzf.gov.cn/a"), task("2.1.1", "推进中"),
        task("9.9.9", "推进中"), task("2.1.1", "已完成")]))
    # The earlier return is touched last: 报送日期, not arrival, decides.
    os.utime(first, (second.stat().st_mtime + 100, second.stat().st_mtime + 100))
    write_xlsx(returns / "aug.xlsx", return_rows("县财政局", "2018-08", "2018-09-04", [
        task("2.1.1", "已完成", "2018-08-20")]))
    write_xlsx(returns / "late.xlsx", return_rows("县审计局", "2018-08", "2018-09-12", [
        task("2.1.3", "长期坚持", "2018-07-01", "http://www.znzf.gov.cn/b")]))

    requests = data_dir.joinpath(*RAW, "requests")
    base = ["网络", "商业企业", "县发改局"]
    write_csv(requests / "q2.csv", [REQUEST_HEADER[:7],
                                    ["YSQ-01", "2018-04-02", *base, "同意公开", "2018-04-10"],
                                    ["YSQ-02", "2018-06-20", *base, None, None]], "gb18030")
    write_xlsx(requests / "q3.xlsx", [["中宁县依申请公开登记台账（导出）"], REQUEST_HEADER[:7],
                                      ["YSQ-01", "2018-04-02", *base, "同意公开", "2018-04-10"],
                                      ["YSQ-02", "2018-06-20", *base, "申请信息不存在", "2018-07-05"],
                                      ["YSQ-03", "2018-08-01", *base, None, None],
                                      ["YSQ-03", "2018-08-01", *base, None, None]])
    disclosures = data_dir.joinpath(*RAW, "disclosures")
    header = ["索引号", "标题", "发布机构", "信息类别", "公开渠道", "成文日期", "发布日期"]
    item = ["640521011/2018-00007", "2018年县级预算公开", "县财政局", "预决算"]
    write_csv(disclosures / "h1.csv", [header, [*item, "政府网站", "2018-02-01", "2018-02-05"]])
    write_csv(disclosures / "h2.csv", [header, [*item, "政府网站", "2018-02-01", "2018-02-05"],
                                       [*item, "政务微信", "2018-02-01", "2018-02-06"]], "gbk")
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in data_dir.joinpath("raw").rglob("*.*")}
    build(data_dir, as_of="2018-12-31", selection=READ_INTO_MARTS)
    con = marts(data_dir)
    yield {t: frame(con, f"SELECT * FROM {t}") for t in (
        "return_submissions", "return_rows", "task_status", "requests", "disclosures",
        "disclosure_channels", "quarantine", "ingest_log")}
    con.close()
    assert hashes == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in hashes}, "raw files changed"


def test_resubmitted_return_supersedes_by_submission_date(built):
    subs = built["return_submissions"].set_index("source_file")
    assert bool(subs.loc["raw/640521/returns/a.xlsx", "superseded"])
    assert not bool(subs.loc["raw/640521/returns/b.xlsx", "superseded"])
    rows = built["return_rows"]
    assert set(rows[rows.superseded].source_file) == {"raw/640521/returns/a.xlsx"}


def test_on_time_against_the_plans_due_day(built):
    subs = built["return_submissions"].set_index("source_file")
    assert str(subs.loc["raw/640521/returns/aug.xlsx", "due_on"]) == "2018-09-05"
    assert bool(subs.loc["raw/640521/returns/aug.xlsx", "on_time"])
    assert not bool(subs.loc["raw/640521/returns/late.xlsx", "on_time"])


def test_task_status_carries_forward_and_judges_state(built):
    status = built["task_status"]
    assert sorted(set(status["year"])) == [2018, 2019]  # the shipped catalogues of both years
    ts = status[status["year"] == 2018].set_index(["task_code", "unit"])
    row = ts.loc[("1.1.1", "县财政局")]  # reported in July only, carried forward
    assert (row.status, row.state, str(row.completed_on)) == ("已完成", "done_on_time", "2018-06-28")
    assert row.evidence_url == "http://www.znzf.gov.cn/a"
    row = ts.loc[("2.1.1", "县财政局")]  # due 2018-11-30, done 2018-08-20
    assert (row.status, row.state, row.last_period) == ("已完成", "done_on_time", "2018-08")
    assert ts.loc[("2.1.3", "县审计局")].state == "done"  # after_event, no calendar date: no "on time"
    assert ts.loc[("1.2.1", "县机构编制委员会办公室")].state == "external"
    assert ts.loc[("1.1.4", "县政府办公室")].state == "no_deadline"
    assert ts.loc[("6.2", "县政府办公室")].state == "overdue"  # due 2018-11-30, never reported


def test_reexported_ledger_counts_each_request_once(built):
    req = built["requests"].set_index("request_id")
    assert sorted(req.index) == ["YSQ-01", "YSQ-02", "YSQ-03"]
    assert req.loc["YSQ-02", "outcome"] == "申请信息不存在"  # the later export wins
    assert req.loc["YSQ-03", "state"] == "open_overdue"


def test_items_on_several_channels_once_per_item(built):
    items = built["disclosures"]
    assert len(items) == 1 and list(items.iloc[0].channels) == ["政务微信", "政府网站"]
    assert str(items.iloc[0].published_on) == "2018-02-05" and bool(items.iloc[0].timely)
    assert len(built["disclosure_channels"]) == 2


def test_quarantine_reasons_name_file_row_and_column(built):
    q = built["quarantine"].set_index(["file", "row_number"])
    unknown = q.loc[("raw/640521/returns/b.xlsx", 6)]
    assert unknown.column_name == "任务编号" and "不在 640521 2018 年计划目录中" in unknown.reason
    dup = q.loc[("raw/640521/returns/b.xlsx", 7)]
    assert dup.reason == "同一报送表内任务编号重复" and dup.value_preview == "2.1.1"
    dup = q.loc[("raw/640521/requests/q3.xlsx", 6)]
    assert dup.column_name == "申请编号" and "同一文件内重复" in dup.reason and dup.value_preview == "YSQ-03"


def test_ingest_log_reconciles_every_file(built):
    log = built["ingest_log"].set_index("file")
    assert (log.rows_read == log.rows_loaded + log.rows_superseded + log.rows_quarantined).all()
    assert log.loc["raw/640521/requests/q2.csv", "rows_superseded"] == 2
    assert log.loc["raw/640521/requests/q3.xlsx", ["rows_loaded", "rows_quarantined"]].tolist() == [3, 1]
    assert log.loc["raw/640521/returns/a.xlsx", "rows_superseded"] == 2
    assert log.loc["raw/640521/disclosures/h1.csv", "rows_superseded"] == 1
    assert len(log.loc["raw/640521/returns/b.xlsx", "sha256"]) == 64
