"""Annual-report statistics tables, end to end: ledgers written by hand → build → `annual_report`.

Every expected number below was counted by hand from the fixture rows written in this file
(the comments say which rows make each figure); none is computed by the code under test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from conftest import DIVISION, REQUEST_HEADER, build, check_results, frame, marts, write_xlsx

from pipelines.annual.identities import broken_identities
from pipelines.annual.templates import TemplateError, load_templates, parse_template
from pipelines.reference.store import SHIPPED_REFERENCE

PII = ["张三丰", "640521198001011234", "13912345678"]
DISCLOSURE_HEADER = ["索引号", "标题", "发布机构", "信息类别", "公开渠道", "成文日期", "发布日期",
                     "规范性文件"]
ACTIVITY_HEADER = ["日期", "单位", "活动类型", "标题", "主要负责同志参加", "人数"]
APPEAL_HEADER = ["案件编号", "类型", "起诉方式", "收到日期", "被申请单位", "结果", "结案日期"]
FACT_HEADER = ["年度", "单位", "指标", "数值"]


# --- building with the annual assets ---------------------------------------------------------

def annual_build(data_dir: Path, as_of: str, expect_success: bool = True) -> dg.ExecuteInProcessResult:
    """Build the (one) division of ``data_dir`` up to the published marts, annual tables and
    their checks included (nothing below the publish step)."""
    return build(data_dir, as_of=as_of, expect_success=expect_success,
                 selection=dg.AssetSelection.assets("gongkai_marts").upstream())


def cells(con, year: int, unit: str | None = None, table: str | None = None) -> dict:
    """{(table, row, col): value} of one year's table of the division (unit None) or a unit."""
    unit_sql = "unit IS NULL" if unit is None else f"unit = '{unit}'"
    table_sql = "" if table is None else f" AND table_code = '{table}'"
    rows = con.execute(f"SELECT table_code, row_code, col_code, value FROM annual_report WHERE "
                       f"division = '{DIVISION}' AND year = {year} AND {unit_sql}{table_sql}").fetchall()
    return {(t, r, c): v for t, r, c, v in rows}


def raw(data_dir: Path, source: str) -> Path:
    return data_dir / "raw" / DIVISION / source


def req(rid, received, channel, applicant, unit, outcome=None, answered=None, extended=None, fee=None):
    return [rid, received, channel, applicant, unit, outcome, answered, *PII, None, None, extended, fee]


# --- (a) template 2008, every row, 2018 ----------------------------------------------------

FIN, OFFICE, TOWN, POLICE = "县财政局", "县政府办公室", "宁安镇", "县公安局"

REQUESTS_2018 = [
    REQUEST_HEADER,
    req("R01", "2018-01-08", "当面", "自然人", FIN, "同意公开", "2018-01-10", fee=0),
    req("R02", "2018-01-15", "传真", "商业企业", FIN, "属于已主动公开范围", "2018-01-17"),
    # rules.md: received 2018-02-09 → due 2018-03-07; answered a day late.
    req("R03", "2018-02-09", "网络", "自然人", OFFICE, "同意部分公开", "2018-03-08"),
    # due 2018-03-22, extended to 2018-04-13: answered within the extension, after the base deadline.
    req("R04", "2018-03-01", "电子邮件", "法律服务机构", OFFICE, "不同意公开-涉及国家秘密", "2018-04-10",
        "是"),
    req("R05", "2018-04-02", "信函", "自然人", POLICE, "不同意公开－涉及个人隐私", "2018-04-04"),
    req("R06", "2018-05-07", "网络", "自然人", TOWN, "不同意公开：涉及商业秘密", "2018-05-09"),
    req("R07", "2018-06-04", "当面", "其他组织", FIN, "不同意公开-危及国家安全、公共安全、经济安全和社会稳定",
        "2018-06-06"),
    req("R08", "2018-07-02", "当面", "自然人", FIN, "不同意公开-不是《条例》所指政府信息", "2018-07-04"),
    req("R09", "2018-07-09", "信函", "自然人", POLICE, "不同意公开-法律法规规定的其他情形", "2018-07-11"),
    req("R10", "2018-08-06", "网络", "科研机构", FIN, "不属于本行政机关公开", "2018-08-08"),
    req("R11", "2018-08-13", "当面", "自然人", OFFICE, "申请信息不存在", "2018-08-15"),
    req("R12", "2018-09-03", "信函", "社会公益组织", TOWN, "告知作出更改补充", "2018-09-05"),
    # rules.md: received 2018-09-28 → due 2018-10-24; answered on the last day.
    req("R13", "2018-09-28", "电子邮件", "自然人", FIN, "告知通过其他途径办理", "2018-10-24"),
    req("R14", "2018-10-08", "当面", "自然人", FIN, "同意公开", "2018-10-10", fee=50),
    req("R15", "2018-11-05", "网络", "自然人", FIN, "同意公开", "2018-11-07", fee=30.5),
    req("R16", "2018-12-20", "当面", "自然人", OFFICE),
    req("R17", "2018-12-24", "网络", "自然人", FIN, "予以公开", "2019-01-08"),
    # Answered after GONGKAI_AS_OF (2019-01-10): still open at as-of.
    req("R18", "2018-12-26", "信函", "自然人", POLICE, "予以公开", "2019-01-20"),
    # Received 2017 (due 2018-01-09), answered 2018: answered in 2018, not received in 2018.
    req("R19", "2017-12-18", "当面", "自然人", FIN, "同意公开", "2018-01-05", fee=20),
]


def _item(n, title, unit, category, channel, formed, published, normative="否"):
    return [f"640521001/2018-{n:05d}", title, unit, category, channel, formed, published, normative]


DISCLOSURES_2018 = [
    DISCLOSURE_HEADER,
    _item(1, "关于规范行政审批的通知", OFFICE, "规范性文件", "政府网站", "2018-03-01", "2018-03-05", "是"),
    _item(1, "关于规范行政审批的通知", OFFICE, "规范性文件", "政府公报", "2018-03-01", "2018-03-05", "是"),
    _item(2, "一图读懂行政审批新规", OFFICE, "政策解读", "政府网站", "2018-03-02", "2018-03-06"),
    _item(2, "一图读懂行政审批新规", OFFICE, "政策解读", "政务微信", "2018-03-02", "2018-03-06"),
    _item(3, "2018年县级部门预算", FIN, "预决算", "政府网站", "2018-04-02", "2018-04-10"),
    _item(4, "专项资金管理办法", FIN, "政策文件", "政府网站", "2018-05-02", "2018-05-10", "是"),
    _item(4, "专项资金管理办法", FIN, "政策文件", "政务微博", "2018-05-02", "2018-05-10", "是"),
    _item(4, "专项资金管理办法", FIN, "政策文件", "移动客户端", "2018-05-02", "2018-05-10", "是"),
    _item(5, "关于网传交通事故的情况通报", POLICE, "舆情回应", "政务微博", "2018-05-31", "2018-06-01"),
    _item(5, "关于网传交通事故的情况通报", POLICE, "舆情回应", "政府网站", "2018-05-31", "2018-06-01"),
    _item(6, "关于群众反映噪音问题的回应", POLICE, "舆情回应", "移动客户端", "2018-06-01", "2018-06-02"),
    _item(6, "关于群众反映噪音问题的回应", POLICE, "舆情回应", "查阅点", "2018-06-01", "2018-06-02"),
    _item(7, "宁安镇村务公开栏更新", TOWN, "其他", "查阅点", "2018-06-25", "2018-07-01"),
    # On WeChat in 2018 but on the website only in 2019: a 2018 item, a 2019 website row.
    _item(8, "专项资金管理办法解读", FIN, "政策解读", "政务微信", "2018-12-20", "2018-12-28"),
    _item(8, "专项资金管理办法解读", FIN, "政策解读", "政府网站", "2018-12-20", "2019-01-04"),
    _item(9, "2017年工作总结", OFFICE, "政策文件", "政府网站", "2017-12-15", "2017-12-20"),
]

ACTIVITIES_2018 = [
    ACTIVITY_HEADER,
    ["2018-03-10", OFFICE, "新闻发布会", "新闻发布会一", "是", None],
    ["2018-04-10", FIN, "新闻发布会", "新闻发布会二", "否", None],
    ["2018-05-10", FIN, "在线访谈", "访谈一", "是", None],
    ["2018-06-10", POLICE, "舆情回应", "回应一", None, None],
    ["2018-07-10", POLICE, "舆情回应", "回应二", None, None],
    ["2018-08-10", OFFICE, "工作会议", "政务公开工作会议", "是", 30],
    ["2018-06-20", OFFICE, "培训", "培训一", None, 40],
    ["2018-09-20", FIN, "培训", "培训二", None, 15],
    ["2018-10-10", TOWN, "举报投诉", "投诉一", None, None],
    ["2017-11-10", OFFICE, "培训", "上年培训", None, 99],
    ["2018-11-10", OFFICE, "会议开放", "常务会议", "是", 8],
]

APPEALS_2018 = [
    APPEAL_HEADER,
    ["复议1", "行政复议", None, "2018-03-01", FIN, "维持", "2018-04-01"],
    ["复议2", "行政复议", None, "2018-05-01", FIN, "纠正", "2018-06-01"],
    ["复议3", "行政复议", None, "2018-11-01", POLICE, "尚未审结", None],
    # Decided after GONGKAI_AS_OF: pending at as-of, so 其他情形.
    ["复议4", "行政复议", None, "2018-10-01", POLICE, "维持", "2019-02-01"],
    ["诉讼1", "行政诉讼", "未经复议直接起诉", "2018-06-01", FIN, "维持", "2018-09-01"],
    ["诉讼2", "行政诉讼", "复议后起诉", "2018-07-01", FIN, "其他", "2018-10-01"],
    ["诉讼3", "行政诉讼", "未经复议直接起诉", "2017-12-01", FIN, "纠正", "2018-03-01"],
]

FACTS_2018 = [
    FACT_HEADER,
    [2018, OFFICE, "专门机构数", 5], [2018, OFFICE, "专职人员数", 3], [2018, OFFICE, "兼职人员数", 10],
    [2018, OFFICE, "专项经费万元", 12.5], [2018, OFFICE, "规范性文件制发件数", 4],
    [2018, FIN, "专职人员数", 1], [2018, FIN, "兼职人员数", 2], [2018, FIN, "查阅点数", 1],
    [2018, TOWN, "兼职人员数", 3], [2018, TOWN, "专门机构数", 1], [2018, TOWN, "查阅点数", 2],
    # Explicit division totals (the division's name, or 全县): they replace the units' sum.
    [2018, "中宁县", "查阅点数", 4], [2018, "全县", "专项经费万元", 15],
    [2017, OFFICE, "专门机构数", 4],
]

H = None  # a header row: no figure
EXPECTED_2018_DIVISION = {
    "1": H,
    "1.1": 8,  # items 1–8 (item 9 is 2017)
    "1.1.a": 2,  # items 1, 4
    "1.1.b": 4,  # the office's 规范性文件制发件数
    "1.2": H,
    "1.2.1": 1,  # item 1
    "1.2.2": 5,  # items 1, 2, 3, 4, 5 (item 8's website row is 2019)
    "1.2.3": 2,  # items 4, 5
    "1.2.4": 2,  # items 2, 8
    "1.2.5": 3,  # items 4 (客户端), 6 (客户端 + 查阅点, once), 7 (查阅点)
    "2": H,
    "2.1": 2,  # 回应一, 回应二
    "2.2": H,
    "2.2.1": 2,  # 新闻发布会一, 二
    "2.2.1.a": 1,  # 新闻发布会一
    "2.2.2": 1,
    "2.2.2.a": 1,
    "2.2.3": 2,  # items 2, 8
    "2.2.4": 1,  # item 5
    "2.2.5": 2,  # items 5 (网站), 6
    "3": H,
    "3.1": 18,  # R01–R18
    "3.1.1": 6,  # R01 R07 R08 R11 R14 R16
    "3.1.2": 1,  # R02
    "3.1.3": 7,  # R03 R04(邮件) R06 R10 R13(邮件) R15 R17
    "3.1.4": 4,  # R05 R09 R12 R18
    "3.2": 16,  # R01–R15, R19
    "3.2.1": 14,
    "3.2.2": 2,  # R03, R04
    "3.3": 16,
    "3.3.1": 1,  # R02
    "3.3.2": 4,  # R01 R14 R15 R19
    "3.3.3": 1,  # R03
    "3.3.4": 6,  # R04–R09
    "3.3.4.a": 1, "3.3.4.b": 1, "3.3.4.c": 1, "3.3.4.d": 1, "3.3.4.e": 1, "3.3.4.f": 1,
    "3.3.5": 1,  # R10
    "3.3.6": 1,  # R11
    "3.3.7": 1,  # R12
    "3.3.8": 1,  # R13
    "4": 4,  # 复议1–4
    "4.1": 1,
    "4.2": 1,
    "4.3": 2,  # 复议3 (尚未审结), 复议4 (decided after as-of)
    "5": 2,  # 诉讼1, 2 (诉讼3 is 2017)
    "5.1": 1,
    "5.2": 0,
    "5.3": 1,
    "6": 1,
    "7": 0.01005,  # R14 50 + R15 30.5 + R19 20 = 100.5 元
    "8": H,
    "8.1": 6,  # the sum over units: 县政府办公室 5 + 宁安镇 1
    "8.2": 4,  # the division's total row (中宁县 4) replaces 县财政局 1 + 宁安镇 2
    "8.3": 19,  # 8.3.1 + 8.3.2
    "8.3.1": 4,  # 县政府办公室 3 + 县财政局 1
    "8.3.2": 15,  # 县政府办公室 10 + 县财政局 2 + 宁安镇 3
    "8.4": 15,  # the 全县 row replaces 县政府办公室 12.5
    "9": H,
    "9.1": 1,
    "9.2": 2,
    "9.3": 55,  # 40 + 15
}
EXPECTED_2018_FINANCE = {
    "1": H, "1.1": 3, "1.1.a": 1, "1.1.b": 0, "1.2": H, "1.2.1": 0, "1.2.2": 2, "1.2.3": 1, "1.2.4": 1,
    "1.2.5": 1,
    "2": H, "2.1": 0, "2.2": H, "2.2.1": 1, "2.2.1.a": 0, "2.2.2": 1, "2.2.2.a": 1, "2.2.3": 1, "2.2.4": 0,
    "2.2.5": 0,
    "3": H, "3.1": 9, "3.1.1": 4, "3.1.2": 1, "3.1.3": 4, "3.1.4": 0, "3.2": 9, "3.2.1": 9, "3.2.2": 0,
    "3.3": 9, "3.3.1": 1, "3.3.2": 4, "3.3.3": 0, "3.3.4": 2, "3.3.4.a": 0, "3.3.4.b": 0, "3.3.4.c": 0,
    "3.3.4.d": 1, "3.3.4.e": 1, "3.3.4.f": 0, "3.3.5": 1, "3.3.6": 0, "3.3.7": 0, "3.3.8": 1,
    "4": 2, "4.1": 1, "4.2": 1, "4.3": 0, "5": 2, "5.1": 1, "5.2": 0, "5.3": 1,
    "6": 0, "7": 0.01005,
    "8": H, "8.1": 0, "8.2": 1, "8.3": 3, "8.3.1": 1, "8.3.2": 2, "8.4": 0,
    "9": H, "9.1": 0, "9.2": 1, "9.3": 15,
}


def write_2018(data_dir: Path) -> None:
    """The hand-worked 2018 fixture: every ledger, real files."""
    write_xlsx(raw(data_dir, "requests") / "依申请公开台账.xlsx", REQUESTS_2018)
    write_xlsx(raw(data_dir, "disclosures") / "主动公开台账.xlsx", DISCLOSURES_2018)
    write_xlsx(raw(data_dir, "activities") / "活动台账.xlsx", ACTIVITIES_2018)
    write_xlsx(raw(data_dir, "appeals") / "复议诉讼台账.xlsx", APPEALS_2018)
    write_xlsx(raw(data_dir, "facts") / "年度指标.xlsx", FACTS_2018)


def _assert_table(actual: dict, expected: dict) -> None:
    assert set(actual) == set(expected), set(actual) ^ set(expected)
    wrong = {k: (actual[k], v) for k, v in expected.items()
             if not (actual[k] is None and v is None)
             and (actual[k] is None or v is None or not math.isclose(actual[k], v, abs_tol=1e-9))}
    assert not wrong, f"(实际, 应为)：{wrong}"


def test_every_row_of_template_2008_for_the_county(built_2018):
    data_dir, _ = built_2018
    con = marts(data_dir)
    actual = {r: v for (_, r, _), v in cells(con, 2018).items()}
    assert len(EXPECTED_2018_DIVISION) == 65
    _assert_table(actual, EXPECTED_2018_DIVISION)
    tables = frame(con, f"SELECT DISTINCT table_code, col_code, template, unit_label FROM annual_report "
                        f"WHERE division = '{DIVISION}' AND year = 2018 AND unit IS NULL")
    assert tables.to_dict("records") == [
        {"table_code": "main", "col_code": "value", "template": "2008", "unit_label": "全县"}]


def test_every_row_of_template_2008_for_one_unit(built_2018):
    data_dir, _ = built_2018
    con = marts(data_dir)
    actual = {r: v for (_, r, _), v in cells(con, 2018, unit=FIN).items()}
    _assert_table(actual, EXPECTED_2018_FINANCE)


def test_labels_units_and_order_follow_the_template(built_2018):
    data_dir, _ = built_2018
    con = marts(data_dir)
    rows = frame(con, f"SELECT row_code, label, measure_unit, kind FROM annual_report WHERE division = "
                      f"'{DIVISION}' AND year = 2018 AND unit IS NULL ORDER BY row_order")
    assert list(rows["row_code"]) == list(EXPECTED_2018_DIVISION)
    by_code = rows.set_index("row_code")
    assert by_code.loc["1.1", "label"] == "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）"
    assert by_code.loc["3.3.4.d", "label"] == "危及国家安全、公共安全、经济安全和社会稳定"
    assert by_code.loc["7", "measure_unit"] == "万元" and by_code.loc["9.3", "measure_unit"] == "人次"
    assert by_code.loc["1", "kind"] == "header" and pd.isna(by_code.loc["1", "measure_unit"])


def test_every_year_in_the_data_gets_the_template_in_force(built_2018):
    data_dir, _ = built_2018
    con = marts(data_dir)
    years = con.execute("SELECT DISTINCT year, template FROM annual_report ORDER BY 1").fetchall()
    # 2017: R19 received, item 9, 上年培训, 诉讼3, a fact; 2019: R17 answered, item 8's website row.
    assert years == [(2017, "2008"), (2018, "2008"), (2019, "2019")]
    units = {u for (u,) in con.execute(
        "SELECT DISTINCT unit FROM annual_report WHERE year = 2018").fetchall()}
    assert None in units and {FIN, OFFICE, TOWN, POLICE} <= units and len(units) == 42  # 41 units + 全县
    assert "中宁县" not in units  # a division total belongs to the division's table only


def test_identities_pass_and_nothing_leaks(built_2018):
    data_dir, result = built_2018
    evaluation = check_results(result)["annual_identities"]
    assert evaluation.passed, evaluation.metadata
    con = marts(data_dir)
    assert broken_identities(con) == []
    for table in ("annual_report", "annual_report_sources"):
        text = frame(con, f"SELECT * FROM {table}").to_csv()
        assert not any(p in text for p in PII)


# --- (b) templates 2019 and 2021, across the 2019-05-15 rule change --------------------------

REQUESTS_SPAN = [
    REQUEST_HEADER,
    req("Q01", "2018-12-20", "当面", "自然人", FIN, "予以公开", "2019-01-08"),
    req("Q02", "2019-04-10", "网络", "商业企业", FIN, "部分公开", "2019-04-15"),  # 2008 条例 clock
    req("Q03", "2019-05-20", "信函", "自然人", FIN, "不予公开-属于国家秘密", "2019-06-03"),  # 2019 条例
    req("Q04", "2019-06-10", "网络", "法律服务机构", OFFICE, "无法提供-没有现成信息需要另行制作",
        "2019-06-12"),
    req("Q05", "2019-12-25", "当面", "自然人", OFFICE, "不予处理-重复申请", "2020-01-06"),
    req("Q06", "2019-07-01", "网络", "科研机构", FIN, "其他处理", "2019-07-03"),
    req("Q07", "2020-11-20", "信函", "社会公益组织", FIN,
        "其他处理-申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "2021-01-11"),
    req("Q08", "2021-03-01", "网络", "其他组织", FIN, "不予处理-信访举报投诉类申请", "2021-03-03"),
    req("Q09", "2021-12-28", "当面", "自然人", FIN),
    req("Q10", "2021-02-01", "网络", "自然人", OFFICE, "予以公开", "2021-02-03"),
    req("Q11", "2021-05-10", "网络", "自然人", OFFICE, "其他处理-其他", "2021-05-12"),
    req("Q12", "2020-03-02", "当面", "商业企业", OFFICE, "予以公开", "2020-03-04"),
    req("Q13", "2019-11-01", "信函", "自然人", TOWN),  # never answered
]
APPEALS_SPAN = [
    APPEAL_HEADER,
    ["E1", "行政复议", None, "2019-03-01", FIN, "维持", "2019-04-01"],
    ["E2", "行政复议", None, "2019-08-01", FIN, "尚未审结", None],
    ["E3", "行政诉讼", "未经复议直接起诉", "2019-09-01", FIN, "纠正", "2019-12-01"],
    ["E4", "行政诉讼", "复议后起诉", "2019-10-01", FIN, "其他", "2019-12-10"],
    ["E5", "行政诉讼", None, "2019-10-15", FIN, "维持", "2019-12-20"],  # no route: direct
    ["E6", "行政复议", None, "2021-04-01", OFFICE, "纠正", "2021-06-01"],
    ["E7", "行政诉讼", "复议后起诉", "2021-05-01", OFFICE, "尚未审结", None],
]
FACTS_SPAN = [
    FACT_HEADER,
    [2019, OFFICE, "规范性文件制发件数", 3], [2019, OFFICE, "规范性文件现行有效件数", 40],
    [2019, OFFICE, "规章制发件数", 0], [2019, OFFICE, "行政许可处理决定数", 100],
    [2019, OFFICE, "行政处罚处理决定数", 20], [2019, OFFICE, "行政强制处理决定数", 2],
    [2019, OFFICE, "行政事业性收费万元", 55.5],
    [2021, OFFICE, "规范性文件制发件数", 5], [2021, OFFICE, "规范性文件废止件数", 1],
    [2021, OFFICE, "规范性文件现行有效件数", 44], [2021, OFFICE, "规章制发件数", 0],
    [2021, OFFICE, "规章废止件数", 0], [2021, OFFICE, "规章现行有效件数", 0],
    [2021, OFFICE, "行政许可处理决定数", 120], [2021, OFFICE, "行政处罚处理决定数", 30],
    [2021, POLICE, "行政强制处理决定数", 4], [2021, FIN, "行政强制处理决定数", 1],  # no office figure
    [2021, OFFICE, "行政事业性收费万元", 60.25],
]
DISCLOSURES_SPAN = [
    DISCLOSURE_HEADER,
    ["640521001/2019-00001", "关于优化营商环境的若干规定", OFFICE, "规范性文件", "政府网站",
     "2019-07-25", "2019-08-01", "是"],
]

APPLICANTS = ("natural", "business", "research", "charity", "legal", "other", "total")


def table3(nonzero: dict[str, dict[str, int]], rows: list[str]) -> dict:
    """Every cell of table 三 (rows × applicant columns): 0 unless listed, row 3 a header."""
    return {("3", r, c): (None if r == "3" else nonzero.get(r, {}).get(c, 0))
            for r in rows for c in APPLICANTS}


ROWS_2019 = ["1", "2", "3", "3.1", "3.2", "3.3", *[f"3.3.{i}" for i in range(1, 9)], "3.4", "3.4.1", "3.4.2",
             "3.4.3", "3.5", *[f"3.5.{i}" for i in range(1, 6)], "3.6", "3.7", "4"]
ROWS_2021 = [*ROWS_2019[:-3], "3.6", "3.6.1", "3.6.2", "3.6.3", "3.7", "4"]

EXPECTED_2019_TABLE3 = table3({
    # Q03 Q05 Q13 / Q02 / Q06 / Q04
    "1": {"natural": 3, "business": 1, "research": 1, "legal": 1, "total": 6},
    "2": {"natural": 1, "total": 1},  # Q01, received 2018
    "3.1": {"natural": 1, "total": 1},  # Q01
    "3.2": {"business": 1, "total": 1},  # Q02
    "3.3": {"natural": 1, "total": 1}, "3.3.1": {"natural": 1, "total": 1},  # Q03
    "3.4": {"legal": 1, "total": 1}, "3.4.2": {"legal": 1, "total": 1},  # Q04
    "3.6": {"research": 1, "total": 1},  # Q06
    "3.7": {"natural": 2, "business": 1, "research": 1, "legal": 1, "total": 5},
    "4": {"natural": 2, "total": 2},  # Q05 (answered 2020), Q13
}, ROWS_2019)
EXPECTED_2020_TABLE3 = table3({
    "1": {"business": 1, "charity": 1, "total": 2},  # Q12, Q07
    "2": {"natural": 2, "total": 2},  # Q05, Q13
    "3.1": {"business": 1, "total": 1},  # Q12
    "3.5": {"natural": 1, "total": 1}, "3.5.2": {"natural": 1, "total": 1},  # Q05
    "3.7": {"natural": 1, "business": 1, "total": 2},
    "4": {"natural": 1, "charity": 1, "total": 2},  # Q13, Q07 (answered 2021)
}, ROWS_2019)
EXPECTED_2021_TABLE3 = table3({
    "1": {"natural": 3, "other": 1, "total": 4},  # Q09 Q10 Q11 / Q08
    "2": {"natural": 1, "charity": 1, "total": 2},  # Q13 / Q07
    "3.1": {"natural": 1, "total": 1},  # Q10
    "3.5": {"other": 1, "total": 1}, "3.5.1": {"other": 1, "total": 1},  # Q08
    "3.6": {"natural": 1, "charity": 1, "total": 2},
    "3.6.2": {"charity": 1, "total": 1},  # Q07
    "3.6.3": {"natural": 1, "total": 1},  # Q11
    "3.7": {"natural": 2, "charity": 1, "other": 1, "total": 4},
    "4": {"natural": 2, "total": 2},  # Q09, Q13
}, ROWS_2021)

GROUPS = ("review", "suit_direct", "suit_after_review")
RESULTS = ("upheld", "corrected", "other", "pending", "total")


def table4(nonzero: dict[str, int]) -> dict:
    return {("4", "count", f"{g}.{r}"): nonzero.get(f"{g}.{r}", 0) for g in GROUPS for r in RESULTS}


EXPECTED_2019_TABLE4 = table4({"review.upheld": 1, "review.pending": 1, "review.total": 2,  # E1, E2
                               "suit_direct.upheld": 1, "suit_direct.corrected": 1,  # E5, E3
                               "suit_direct.total": 2,
                               "suit_after_review.other": 1, "suit_after_review.total": 1})  # E4
EXPECTED_2021_TABLE4 = table4({"review.corrected": 1, "review.total": 1,  # E6
                               "suit_after_review.pending": 1, "suit_after_review.total": 1})  # E7
N = None  # a cell no input holds
EXPECTED_2019_TABLE2 = {
    ("2.art20_1", "rules", "made"): 0, ("2.art20_1", "rules", "published"): N,
    ("2.art20_1", "rules", "total"): 0,
    ("2.art20_1", "normative", "made"): 3, ("2.art20_1", "normative", "published"): 1,  # the 2019 item
    ("2.art20_1", "normative", "total"): 40,
    ("2.art20_5", "license", "prev"): N, ("2.art20_5", "license", "delta"): N,
    ("2.art20_5", "license", "decisions"): 100,
    ("2.art20_5", "other_services", "prev"): N, ("2.art20_5", "other_services", "delta"): N,
    ("2.art20_5", "other_services", "decisions"): N,
    ("2.art20_6", "penalty", "prev"): N, ("2.art20_6", "penalty", "delta"): N,
    ("2.art20_6", "penalty", "decisions"): 20,
    ("2.art20_6", "coercion", "prev"): N, ("2.art20_6", "coercion", "delta"): N,
    ("2.art20_6", "coercion", "decisions"): 2,
    ("2.art20_8", "fees", "prev"): N, ("2.art20_8", "fees", "delta"): N,
    ("2.art20_9", "procurement", "count"): N, ("2.art20_9", "procurement", "amount"): N,
}
EXPECTED_2021_TABLE2 = {
    ("2.art20_1", "rules", "issued"): 0, ("2.art20_1", "rules", "repealed"): 0,
    ("2.art20_1", "rules", "valid"): 0,
    ("2.art20_1", "normative", "issued"): 5, ("2.art20_1", "normative", "repealed"): 1,
    ("2.art20_1", "normative", "valid"): 44,
    ("2.art20_5", "license", "decisions"): 120,
    ("2.art20_6", "penalty", "decisions"): 30,
    ("2.art20_6", "coercion", "decisions"): 5,  # 县公安局 4 + 县财政局 1
    ("2.art20_8", "fees", "amount"): 60.25,
}


@pytest.fixture(scope="module")
def built_span(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("annual2019")
    write_xlsx(raw(data_dir, "requests") / "台账.xlsx", REQUESTS_SPAN)
    write_xlsx(raw(data_dir, "appeals") / "复议诉讼.xlsx", APPEALS_SPAN)
    write_xlsx(raw(data_dir, "facts") / "指标.xlsx", FACTS_SPAN)
    write_xlsx(raw(data_dir, "disclosures") / "公开.xlsx", DISCLOSURES_SPAN)
    result = annual_build(data_dir, as_of="2022-01-15")
    return data_dir, result


def test_templates_by_year_across_the_rule_change(built_span):
    data_dir, _ = built_span
    con = marts(data_dir)
    assert con.execute("SELECT DISTINCT year, template FROM annual_report ORDER BY 1").fetchall() == [
        (2018, "2008"), (2019, "2019"), (2020, "2019"), (2021, "2021")]
    rules = dict(con.execute("SELECT request_id, rule FROM requests WHERE request_id IN ('Q02', 'Q03')")
                 .fetchall())
    assert rules == {"Q02": "2008", "Q03": "2019"}
    # 2018 in the 2008 template: Q01 received, not answered in the year.
    c2018 = cells(con, 2018)
    assert (c2018[("main", "3.1", "value")], c2018[("main", "3.2", "value")]) == (1, 0)


def test_table_3_of_2019_2020_2021(built_span):
    data_dir, _ = built_span
    con = marts(data_dir)
    _assert_table(cells(con, 2019, table="3"), EXPECTED_2019_TABLE3)
    _assert_table(cells(con, 2020, table="3"), EXPECTED_2020_TABLE3)
    _assert_table(cells(con, 2021, table="3"), EXPECTED_2021_TABLE3)


def test_carried_over_requests(built_span):
    data_dir, _ = built_span
    con = marts(data_dir)

    def ids(year, row):
        return sorted(r for (r,) in con.execute(
            "SELECT record_id FROM annual_report_sources WHERE unit IS NULL AND year = ? "
            "AND table_code = '3' AND row_code = ? AND col_code = 'total'", [year, row]).fetchall())

    assert ids(2019, "2") == ["Q01"]  # received 2018, answered 2019
    assert ids(2019, "4") == ids(2020, "2") == ["Q05", "Q13"]
    assert ids(2020, "4") == ids(2021, "2") == ["Q07", "Q13"]  # Q07 received 2020, answered 2021
    assert ids(2021, "4") == ["Q09", "Q13"]


def test_tables_2_and_4(built_span):
    data_dir, _ = built_span
    con = marts(data_dir)
    c2019, c2021 = cells(con, 2019), cells(con, 2021)
    _assert_table({k: v for k, v in c2019.items() if k[0] == "4"}, EXPECTED_2019_TABLE4)
    _assert_table({k: v for k, v in c2021.items() if k[0] == "4"}, EXPECTED_2021_TABLE4)
    _assert_table({k: v for k, v in c2019.items() if k[0].startswith("2.")}, EXPECTED_2019_TABLE2)
    _assert_table({k: v for k, v in c2021.items() if k[0].startswith("2.")}, EXPECTED_2021_TABLE2)
    labels = dict(con.execute("SELECT col_code, col_group || '·' || col_label FROM annual_report "
                              "WHERE year = 2019 AND unit IS NULL AND table_code = '4'").fetchall())
    assert labels["suit_after_review.pending"] == "行政诉讼·复议后起诉·尚未审结"
    assert con.execute("SELECT DISTINCT col_label FROM annual_report WHERE year = 2021 AND table_code = '3' "
                       "AND col_code = 'other'").fetchall() == [("其他",)]


def test_unit_tables_add_up_to_the_county_for_ledger_rows(built_span):
    data_dir, _ = built_span
    con = marts(data_dir)
    mismatches = con.execute("""
        SELECT d.year, d.table_code, d.row_code, d.col_code, d.value, sum(u.value)
        FROM annual_report d
        JOIN annual_report u USING (division, year, template, table_code, row_code, col_code)
        WHERE d.unit IS NULL AND u.unit IS NOT NULL AND d.kind = 'data' AND d.table_code IN ('3', '4', 'main')
          AND d.row_code NOT LIKE '8%' AND d.row_code <> '1.1.b'
        GROUP BY ALL HAVING abs(d.value - sum(u.value)) > 1e-9""").fetchall()
    assert mismatches == []


# --- (c) identities ----------------------------------------------------------------------------

def test_a_changed_cell_is_named_by_broken_identities(built_span):
    data_dir, _ = built_span
    con = marts(data_dir)
    good = frame(con, "SELECT * FROM annual_report WHERE year = 2019 AND unit IS NULL AND table_code = '3'")
    assert broken_identities(good) == []
    bad = good.copy()
    at = (bad["row_code"] == "4") & (bad["col_code"] == "natural")
    bad.loc[at, "value"] = 3  # was 2
    messages = [b.message for b in broken_identities(bad)]
    assert messages == [
        "640521 2019 全县 三 第1+2行≠第3.7+4行（自然人列：3+1≠2+3）",
        "640521 2019 全县 三 总计列≠自然人+法人或其他组织·商业企业+法人或其他组织·科研机构+法人或其他组织·"
        "社会公益组织+法人或其他组织·法律服务机构+法人或其他组织·其他列（第4行：2≠3+0+0+0+0+0）",
    ]
    (first, _) = broken_identities(bad)
    assert ("4", "natural") in first.cells and first.table_code == "3" and first.unit is None


def test_a_table_that_does_not_add_up_is_not_published(tmp_path):
    """A county's own template that forgets 电子邮件 under 网络申请: 3.1 ≠ 3.1.1 + … + 3.1.4."""
    for source in ("requests",):
        raw(tmp_path, source).mkdir(parents=True)
    write_xlsx(raw(tmp_path, "requests") / "台账.xlsx", [
        REQUEST_HEADER, req("M1", "2018-03-01", "电子邮件", "自然人", FIN, "同意公开", "2018-03-05")])
    template = json.loads((SHIPPED_REFERENCE / "templates" / "2008.json").read_text(encoding="utf-8"))
    row = next(r for r in template["tables"][0]["rows"] if r["code"] == "3.1.3")
    row["source"]["where"]["channel"] = ["网络"]
    own = tmp_path / "reference" / "templates"
    own.mkdir(parents=True)
    (own / "2008.json").write_text(json.dumps(template, ensure_ascii=False), encoding="utf-8")
    result = annual_build(tmp_path, as_of="2018-12-31", expect_success=False)
    evaluation = check_results(result)["annual_identities"]
    assert not evaluation.passed
    broken = evaluation.metadata["broken_cells"].value
    assert "640521 2018 全县 统计表 第3.1行≠第3.1.1+3.1.2+3.1.3+3.1.4行（1≠0+0+0+0）" in broken
    assert f"640521 2018 {FIN} 统计表 第3.1行≠第3.1.1+3.1.2+3.1.3+3.1.4行（1≠0+0+0+0）" in broken
    assert not (tmp_path / "marts" / "gongkai.duckdb").exists()


def test_template_errors_name_the_file_row_and_word():
    template = json.loads((SHIPPED_REFERENCE / "templates" / "2008.json").read_text(encoding="utf-8"))
    row = next(r for r in template["tables"][0]["rows"] if r["code"] == "3.1.3")
    row["source"]["where"]["channel"] = ["网洛"]
    template["tables"][0]["identities"].append({"over": "rows", "lhs": ["3.9"], "rhs": ["3.1"]})
    with pytest.raises(TemplateError) as error:
        parse_template(template, [], "templates/2008.json")
    text = str(error.value)
    assert "templates/2008.json 表 main 第 3.1.3 行 value 列：属性 channel 的取值 网洛 不在词表中" in text
    assert "引用了不存在的行 3.9" in text
    assert "没有映射到本行" in text  # no outcome words given: the 3.3.x rows have none


def test_shipped_templates_cover_every_outcome_word():
    from pipelines.reference.store import ReferenceStore

    templates = load_templates(ReferenceStore())
    assert {t: (v.first_year, v.last_year) for t, v in templates.items()} == {
        "2008": (None, 2018), "2019": (2019, 2020), "2021": (2021, None)}
    assert [len(t.rows) for t in templates["2008"].tables] == [65]
    assert [t.code for t in templates["2021"].tables] == ["2.art20_1", "2.art20_5", "2.art20_6", "2.art20_8",
                                                          "3", "4"]


# --- (d) lineage on the demo -------------------------------------------------------------------

@pytest.fixture(scope="module")
def annual_demo(demo):
    """The session's demo build (the annual tables are part of every build)."""
    return demo[0]


def test_every_cell_equals_its_lineage(annual_demo):
    con = marts(annual_demo)
    disagree = con.execute("""
        SELECT a.year, a.unit, a.table_code, a.row_code, a.col_code, a.value, s.n, s.total
        FROM annual_report a
        LEFT JOIN (SELECT division, unit, year, template, table_code, row_code, col_code,
                          count(*) AS n, sum(amount) AS total
                   FROM annual_report_sources GROUP BY ALL) s
            ON s.division = a.division AND s.unit IS NOT DISTINCT FROM a.unit AND s.year = a.year
           AND s.template = a.template AND s.table_code = a.table_code AND s.row_code = a.row_code
           AND s.col_code = a.col_code
        WHERE a.kind = 'data'
          AND (abs(a.value - coalesce(s.total, 0)) > 1e-9 OR a.records <> coalesce(s.n, 0))""").fetchall()
    assert disagree == []
    assert con.execute("SELECT count(*) FROM annual_report WHERE kind <> 'data' AND value IS NOT NULL"
                       ).fetchone()[0] == 0
    counted = con.execute("""SELECT count(*) FROM annual_report_sources s JOIN ref_annual_cells c
        USING (template, table_code, row_code, col_code)
        WHERE c.measure = 'count' AND s.amount <> 1""").fetchone()
    assert counted[0] == 0
    orphans = con.execute("""SELECT count(*) FROM annual_report_sources s ANTI JOIN annual_report a
        ON a.division = s.division AND a.unit IS NOT DISTINCT FROM s.unit AND a.year = s.year
       AND a.table_code = s.table_code AND a.row_code = s.row_code AND a.col_code = s.col_code""").fetchone()
    assert orphans[0] == 0


def test_demo_figures_match_the_marts_directly(annual_demo):
    con = marts(annual_demo)
    c = {r: v for (_, r, _), v in cells(con, 2018).items()}
    direct = con.execute("""SELECT
        (SELECT count(DISTINCT index_no) FROM disclosures WHERE year(published_on) = 2018),
        (SELECT count(*) FROM requests WHERE year(received_on) = 2018),
        (SELECT count(*) FROM requests WHERE year(answered_on) = 2018 AND answered_on <= due_on),
        (SELECT count(*) FROM requests WHERE year(answered_on) = 2018 AND answered_on > due_on),
        (SELECT count(*) FROM appeals WHERE kind = '行政复议' AND year(received_on) = 2018)""").fetchone()
    assert (c["1.1"], c["3.1"], c["3.2.1"], c["3.2.2"], c["4"]) == direct
    assert broken_identities(con) == []
    lineage = con.execute("SELECT DISTINCT source FROM annual_report_sources ORDER BY 1").fetchall()
    assert [s for (s,) in lineage] == ["activities", "appeals", "disclosures", "facts", "requests"]


def test_demo_build_records_no_personal_information(annual_demo):
    pii = json.loads((annual_demo / "demo-pii.json").read_text(encoding="utf-8"))
    values = [v for group in pii["values"].values() for v in group]
    con = marts(annual_demo)
    text = frame(con, "SELECT * FROM annual_report_sources").to_csv()
    assert values and not [v for v in values if str(v) in text]


def test_demo_year_spans(annual_demo):
    con = marts(annual_demo)
    years = con.execute("SELECT DISTINCT year, template FROM annual_report ORDER BY 1").fetchall()
    # the demo's two years, each in the template in force (2019's since the 2019-05-15 change)
    assert years == [(2018, "2008"), (2019, "2019")]
