"""The four domain rules of issue 12, each on files this test writes and figures counted by hand:

1. an item of category 规范性文件 is normative with or without the 规范性文件 column;
2. a division's yearly facts are the sum over its units, unless a row names the division;
3. a reply dated after the as-of date is no reply yet, in the mart, the metrics and the tables;
4. a deadline before the plan was issued is judged from the issue date plus the same interval.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest
from conftest import DIVISION, REQUEST_HEADER, build, check_results, marts, return_rows, write_xlsx
from test_annual import FACT_HEADER, PII, cells, raw

from pipelines.__main__ import main
from pipelines.plan.catalogue import Task, judged_deadline
from pipelines.reference.store import SHIPPED_REFERENCE
from pipelines.reference.units import load_registry

AS_OF = "2020-01-10"
OFFICE, FIN, TOWN, ARCHIVE = "县政府办公室", "县财政局", "宁安镇", "县档案局"
NO_COLUMN = ["索引号", "标题", "发布机构", "信息类别", "公开渠道", "成文日期", "发布日期"]
WITH_COLUMN = [*NO_COLUMN, "规范性文件"]

# An export without the 规范性文件 column (as the 2019 CMS writes it), and one with it.
DISCLOSURES_NO_COLUMN = [
    NO_COLUMN,
    ["640521001/2018-00001", "关于印发《专项资金管理办法》的通知", OFFICE, "规范性文件", "政府网站",
     "2018-03-01", "2018-03-05"],                                              # N1: normative
    ["640521001/2018-00002", "关于印发《补贴发放管理办法》的通知", OFFICE, "规范性文件", "政府网站",
     "2018-04-02", "2018-04-04"],                                              # N2: normative,
    ["640521001/2018-00002", "关于印发《补贴发放管理办法》的通知", OFFICE, "规范性文件", "政府公报",
     "2018-04-02", "2018-04-20"],                                              # … on two channels
    ["640521001/2018-00003", "关于开展安全生产大检查的通知", OFFICE, "政策文件", "政府网站",
     "2018-05-02", "2018-05-04"],                                              # P1: not normative
    ["640521001/2019-00001", "关于印发《政府投资项目管理办法》的通知", OFFICE, "规范性文件", "政府网站",
     "2019-06-03", "2019-06-05"],                                              # N4 (2019): normative
]
DISCLOSURES_WITH_COLUMN = [
    WITH_COLUMN,
    ["640521011/2018-00001", "关于调整城乡低保标准的通知", FIN, "政策文件", "政府网站",
     "2018-06-01", "2018-06-04", "是"],                                        # P2: marked normative
    ["640521011/2018-00002", "关于印发《财政资金监管办法》的通知", FIN, "规范性文件", "政府网站",
     "2018-07-02", "2018-07-05", "否"],                                        # N3: its category wins
    ["640521011/2018-00003", "关于做好秋季学生资助工作的通知", FIN, "政策文件", "政府网站",
     "2018-08-01", "2018-08-03", "否"],                                        # P3: not normative
]
FACTS = [
    FACT_HEADER,
    [2018, OFFICE, "查阅点数", 1], [2018, ARCHIVE, "查阅点数", 1],           # summed: 2
    [2018, TOWN, "兼职人员数", 3], [2018, FIN, "兼职人员数", 2],
    [2018, "中宁县", "兼职人员数", 9],                                         # the division's total: 9
    [2018, "全县", "专门机构数", 5],                                           # a total, no unit rows
]
REQUESTS = [
    REQUEST_HEADER,
    # Q1: reply dated after the as-of; due 2019-12-30 (20 working days), so open and overdue.
    ["Q1", "2019-12-02", "网络", "自然人", FIN, "予以公开", "2020-01-13", *PII, None, None, None, None],
    # Q2: reply dated after the as-of; due Sun 2020-01-19 (a 调休 working day), so open.
    ["Q2", "2019-12-20", "信函", "自然人", FIN, "予以公开", "2020-01-13", *PII, None, None, None, None],
    # Q3: answered on time.
    ["Q3", "2019-11-01", "当面", "商业企业", FIN, "予以公开", "2019-11-05", *PII, None, None, None, None],
]
# Task 1.4 of 2018: "县“两会”闭幕后5天内完成"; the sessions closed 2018-01-26 (stated due
# 2018-01-31), the plan was issued 2018-06-08, so it is judged due 2018-06-13.
TASK_14 = "加强建议提案办理结果公开"
RETURNS = {
    FIN: [["1.4", TASK_14, "已完成", "2018-06-12", None, "http://x/1", None]],  # on time
    TOWN: [["1.4", TASK_14, "已完成", "2018-06-20", None, "http://x/2", None]],  # 7 days late
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("rules12")
    write_xlsx(raw(data_dir, "disclosures") / "网站导出（无规范性文件列）.xlsx", DISCLOSURES_NO_COLUMN)
    write_xlsx(raw(data_dir, "disclosures") / "网站导出.xlsx", DISCLOSURES_WITH_COLUMN)
    write_xlsx(raw(data_dir, "facts") / "年度指标.xlsx", FACTS)
    write_xlsx(raw(data_dir, "requests") / "台账.xlsx", REQUESTS)
    for unit, tasks in RETURNS.items():
        write_xlsx(raw(data_dir, "returns") / f"{unit}2018年6月.xlsx",
                   return_rows(unit, "2018年6月", "2018-07-03", tasks))
    for source in ("appeals", "activities"):
        raw(data_dir, source).mkdir(parents=True, exist_ok=True)
    result = build(data_dir, as_of=AS_OF,
                   selection=dg.AssetSelection.all() - dg.AssetSelection.groups("reports"))
    return data_dir, result


# --- 1. normative documents -----------------------------------------------------------------

def test_normative_documents_with_and_without_the_column(built):
    data_dir, _ = built
    con = marts(data_dir)
    normative = dict(con.execute("SELECT index_no, normative FROM disclosures").fetchall())
    assert {k for k, v in normative.items() if v} == {
        "640521001/2018-00001", "640521001/2018-00002", "640521011/2018-00001", "640521011/2018-00002",
        "640521001/2019-00001"}
    c2018 = {r: v for (_, r, _), v in cells(con, 2018).items()}
    assert (c2018["1.1"], c2018["1.1.a"]) == (6, 4)  # N1 N2 P2 N3 of the six 2018 items
    c2019 = cells(con, 2019, table="2.art20_1")
    assert c2019[("2.art20_1", "normative", "published")] == 1  # N4, from the export without the column


# --- 2. yearly facts: the sum over units, or the division's own total ----------------------

def test_facts_are_summed_unless_the_division_reports_a_total(built):
    data_dir, result = built
    con = marts(data_dir)
    c = {r: v for (_, r, _), v in cells(con, 2018).items()}
    assert c["8.2"] == 2  # 县政府办公室 1 + 县档案局 1
    assert c["8.3.2"] == 9  # 中宁县's 9 replaces 宁安镇 3 + 县财政局 2
    assert c["8.3"] == 9 and c["8.1"] == 5  # the 全县 row
    assert {r: v for (_, r, _), v in cells(con, 2018, unit=TOWN).items()}["8.3.2"] == 3
    units = {u for (u,) in con.execute("SELECT DISTINCT unit FROM annual_report WHERE unit IS NOT NULL")
             .fetchall()}
    assert "中宁县" not in units  # a division total has no unit table
    totals = dict(con.execute("SELECT indicator, unit FROM facts WHERE division_total").fetchall())
    assert totals == {"兼职人员数": "中宁县", "专门机构数": "中宁县"}  # 全县 resolves to the division
    materialized = next(m.materialization for m in result.get_asset_materialization_events()
                        if m.materialization.asset_key.path[-1] == "annual_report")
    assert materialized.metadata["division_totals"].value == 2


def test_the_registry_resolves_the_division_itself(registry):
    assert registry.resolve("中宁县") == registry.resolve("全县") == "中宁县"
    assert registry.is_division("中宁县") and not registry.is_division(OFFICE)
    assert "中宁县" not in registry.names()
    assert load_registry(SHIPPED_REFERENCE / DIVISION).resolve(" 全 县 ") == "中宁县"


def test_explain_says_which_rows_were_summed_or_which_total_was_used(built, monkeypatch, capsys):
    data_dir, _ = built
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(data_dir))
    assert main(["explain", "--division", DIVISION, "--year", "2018", "--row", "8.3.2"]) == 0
    out = capsys.readouterr().out
    assert "数据截至 2020-01-10" in out
    assert "中宁县（全区划合计行）　兼职人员数　填报值 9" in out
    assert "合计方式：兼职人员数 采用全区划合计行" in out
    assert "未计入的单位填报 2 行：县财政局 兼职人员数 2、宁安镇 兼职人员数 3" in out
    assert main(["explain", "--division", DIVISION, "--year", "2018", "--row", "8.2"]) == 0
    out = capsys.readouterr().out
    assert "合计方式：各单位填报之和（2 个单位）" in out and "县档案局　查阅点数　填报值 1" in out
    # 8.3 adds 专职 (no total: the units' sum) and 兼职 (the division's total)
    assert main(["explain", "--division", DIVISION, "--year", "2018", "--row", "8.3"]) == 0
    out = capsys.readouterr().out
    assert "合计方式：兼职人员数 采用全区划合计行" in out and "未计入的单位填报 2 行" in out
    assert not [p for p in PII if p in out]


# --- 3. a reply dated after the as-of date -----------------------------------------------------

def test_a_reply_after_the_as_of_is_no_reply_yet_everywhere(built):
    data_dir, _ = built
    con = marts(data_dir)
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT request_id, answered_on, outcome, reply_after_as_of, due_on, state FROM requests").fetchall()}
    assert rows["Q1"] == (None, None, dt.date(2020, 1, 13), dt.date(2019, 12, 30), "open_overdue")
    assert rows["Q2"] == (None, None, dt.date(2020, 1, 13), dt.date(2020, 1, 19), "open")
    assert rows["Q3"][0] == dt.date(2019, 11, 5) and rows["Q3"][-1] == "answered_on_time"
    actual, shortfalls = con.execute(
        "SELECT actual, shortfalls FROM plan_metrics WHERE year = 2019 AND metric = 'requests_within_clock'"
    ).fetchone()
    assert actual == "2/3 件按时或未到期" and shortfalls == ["Q1 县财政局：逾期未答复（期限 2019-12-30）"]
    table3 = cells(con, 2019, table="3")
    assert table3[("3", "1", "total")] == 3
    assert table3[("3", "3.7", "total")] == 1  # only Q3 was answered by the as-of date
    assert table3[("3", "4", "total")] == 2  # Q1 and Q2 are carried into 2020
    assert con.execute("SELECT count(*) FROM annual_report WHERE year = 2020").fetchone()[0] == 0


# --- 4. deadlines before the plan existed -----------------------------------------------------

def test_a_deadline_before_the_plan_is_judged_from_its_issue_date(built):
    data_dir, result = built
    con = marts(data_dir)
    task = con.execute("SELECT plan_issued_on, event_on, stated_due_on, judged_due_on, due_adjusted "
                       "FROM plan_tasks WHERE year = 2018 AND task_code = '1.4'").fetchone()
    assert task == (dt.date(2018, 6, 8), dt.date(2018, 1, 26), dt.date(2018, 1, 31), dt.date(2018, 6, 13),
                    True)
    states = dict(con.execute("SELECT unit, state FROM task_status WHERE year = 2018 AND task_code = '1.4' "
                              "AND unit IN ('县财政局', '宁安镇')").fetchall())
    assert states == {FIN: "done_on_time", TOWN: "done_late"}  # both were "late" against 2018-01-31
    assert con.execute("SELECT count(*) FROM plan_tasks WHERE due_adjusted").fetchone()[0] == 2  # 2018, 2019
    check = check_results(result)["plan_deadlines_after_issue"]
    assert not check.passed and check.severity.value == "WARN"
    tasks = check.metadata["tasks"].value
    assert any("2018 年方案任务 1.4：时限 2018年1月31日（两会闭幕（2018年1月26日）后 5 天）早于方案印发日期 "
               "2018年6月8日，按印发日期后 5 天（2018年6月13日）判定" in t for t in tasks)


def test_judged_deadline_by_hand():
    after = Task(code="1.4", section="1", title="", text="", lead_units=(), responsible_units=(),
                 deadline_text="县“两会”闭幕后5天内完成", deadline_kind="after_event", due_on=None,
                 ongoing=False, event="两会闭幕", event_offset_days=5)
    issued = dt.date(2018, 6, 8)
    late = judged_deadline(after, issued, dt.date(2018, 1, 26))
    assert (late.stated_on, late.due_on, late.adjusted) == (dt.date(2018, 1, 31), dt.date(2018, 6, 13), True)
    # The office corrects the event date in events.csv: a date after the issue date stands.
    fixed = judged_deadline(after, issued, dt.date(2018, 6, 10))
    assert (fixed.stated_on, fixed.due_on, fixed.adjusted) == (dt.date(2018, 6, 15), dt.date(2018, 6, 15),
                                                               False)
    # No event date: no deadline; no issue date: nothing to move.
    assert judged_deadline(after, issued, None).due_on is None
    assert judged_deadline(after, None, dt.date(2018, 1, 26)).due_on == dt.date(2018, 1, 31)
    dated = Task(code="6.2", section="6", title="", text="", lead_units=(), responsible_units=(),
                 deadline_text="", deadline_kind="date", due_on=dt.date(2018, 3, 31), ongoing=False)
    moved = judged_deadline(dated, issued, None)
    assert (moved.due_on, moved.adjusted) == (issued, True)  # no interval stated: the issue date
