"""The reader core and each source's contract, on real xlsx and CSV files written here."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DIVISION, REQUEST_HEADER, return_rows, write_csv, write_xlsx

from pipelines.ingest.contracts import ACTIVITIES, CONTRACTS, DISCLOSURES, REQUESTS, RETURNS
from pipelines.ingest.header import find_header
from pipelines.ingest.normalise import ReadContext
from pipelines.ingest.reader import read_file
from pipelines.ingest.sheets import decode_text, load_sheets
from pipelines.reference.load import outcome_vocabulary
from pipelines.reference.store import ReferenceStore

PII = ["张三丰", "640521198001011234", "13995551234"]


@pytest.fixture
def ctx(registry):
    vocab = {"outcomes": outcome_vocabulary(ReferenceStore())}
    return ReadContext(DIVISION, registry, b"test-secret", vocab)


def read(path, contract, ctx):
    return read_file(path, contract, ctx, path.name)


def test_every_date_style_and_excel_cells(tmp_path, ctx):
    styles = ["2018年6月30日", "2018-06-30", "2018/6/30", "2018.6.30", "20180630",
              dt.date(2018, 6, 30), 43281, "43281", "2018-06-30 00:00:00", " 2018 年 6 月 30 日 "]
    tasks = [["1.1.1", "x", "已完成", s, None, None, None] for s in styles]
    path = write_xlsx(tmp_path / "r.xlsx", return_rows("县财政局", "2018年7月", "2018年8月3日", tasks))
    result = read(path, RETURNS, ctx)
    assert result.error is None
    # the same task ten times: the reader keeps them all, SQL later flags the repeats
    assert list(result.rows["completed_on"]) == [dt.date(2018, 6, 30)] * len(styles)
    assert result.rejects.empty


@pytest.mark.parametrize("bad", ["2018年13月5日", "6月底", "2018-02-30", "明天", "18/6/30"])
def test_bad_date_is_quarantined_with_file_row_column(tmp_path, ctx, bad):
    tasks = [["1.1.1", "x", "已完成", "2018-06-30", None, None, None],
             ["1.1.2", "x", "已完成", bad, None, None, None]]
    path = write_xlsx(tmp_path / "r.xlsx", return_rows("县财政局", "2018-07", None, tasks))
    result = read(path, RETURNS, ctx)
    assert len(result.rows) == 1 and result.rows_read == 2
    rej = result.rejects.iloc[0]
    assert (rej.file, rej.sheet, rej.row_number, rej.column_name) == ("r.xlsx", "Sheet1", 5, "完成日期")
    assert rej.value_preview == bad and "日期无法识别" in rej.reason


def test_metadata_in_one_cell_or_label_then_value(tmp_path, ctx):
    split = [
        ["中宁县2018年政务公开工作进展报送表"],
        ["报送单位", "教育体育局", None, "报送期间：", "2018-08", "报送日期", dt.date(2018, 9, 4)],
        [],
        ["序号", "任务编号", "进展状态"],
        [1, "一（一）3", "进行中"],
        [2, "一(一)4.", "完成"],
        [3, "二（三）", "已落实"],
    ]
    result = read(write_xlsx(tmp_path / "split.xlsx", split), RETURNS, ctx)
    assert result.error is None
    assert result.metadata == {"unit": "县教育体育局", "period": "2018-08",
                               "submitted_on": dt.date(2018, 9, 4)}
    assert list(result.rows["task_code"]) == ["1.1.3", "1.1.4", "2.3"]
    assert list(result.rows["status"]) == ["推进中", "已完成", "已完成"]
    one = return_rows("宁安镇人民政府", "2018年7月", "20180803",
                      [["1.4", "x", "未启动", None, None, None, None]])
    result = read(write_xlsx(tmp_path / "one.xlsx", one), RETURNS, ctx)
    assert result.metadata["unit"] == "宁安镇" and result.metadata["submitted_on"] == dt.date(2018, 8, 3)


def test_header_row_finder_within_ten_rows_and_full_width_headers(tmp_path, ctx):
    rows = [[f"说明第{i}行"] for i in range(1, 10)] + [
        ["申请编号 ", "收到日期", "申请方式", "申请人类型", "受理单位", "办理结果", "答复日期"],
        ["YSQ-1", "2018-03-01", "网络", "自然人", "县发改局", "同意公开", "2018-03-05"],
    ]
    result = read(write_xlsx(tmp_path / "ok.xlsx", rows), REQUESTS, ctx)
    assert result.error is None and len(result.rows) == 1
    assert result.rows.loc[0, "_row"] == 11
    too_low = [[f"说明第{i}行"] for i in range(1, 11)] + rows[-2:]
    result = read(write_xlsx(tmp_path / "low.xlsx", too_low), REQUESTS, ctx)
    assert result.error and "前10行内找不到表头" in result.error
    assert result.rejects.iloc[0].file == "low.xlsx" and "整个文件未导入" in result.rejects.iloc[0].reason
    sheet = load_sheets(write_xlsx(tmp_path / "fw.xlsx", [["标题"], ["索引号", "标题", "发布机构", "信息类别",
                                     "公开渠道", "成文日期", "发布日期（正式）"]]), True)[0]
    assert find_header(sheet, DISCLOSURES) is None  # a different header is not guessed
    sheet = load_sheets(write_xlsx(tmp_path / "fw2.xlsx", [["索引号", "标  题", "发布机构", "信息类别",
                                     "公开渠道", "成文日期", "发布日期", "规范性文件"]]), True)[0]
    assert find_header(sheet, DISCLOSURES)[0] == 1


def test_gbk_and_gb18030_and_utf8_csv(tmp_path, ctx):
    rows = [["索引号", "标题", "发布机构", "信息类别", "公开渠道", "成文日期", "发布日期", "规范性文件"],
            ["640521001/2018-00001", "关于印发《中宁县扶贫资金管理办法》的通知", "县扶贫办",
             "规范性文件", "政府网站", "2018-03-01", "2018/3/5", "是"],
            ["640521001/2018-00001", "关于印发《中宁县扶贫资金管理办法》的通知", "县扶贫办",
             "规范性文件", "政务微信", "2018-03-01", "2018.3.6", "Y"]]
    for encoding in ("gbk", "gb18030", "utf-8", "utf-8-sig"):
        path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding)
        result = read(path, DISCLOSURES, ctx)
        assert result.error is None, encoding
        assert list(result.rows["title"]) == [rows[1][1]] * 2
        assert list(result.rows["unit"]) == ["县扶贫办"] * 2
        assert list(result.rows["normative"]) == [True, True]
    assert decode_text("中宁县".encode("gb18030")) == "中宁县"
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe\x00\xd8 not text")
    result = read(broken, DISCLOSURES, ctx)
    assert result.error and "编码" in result.error


def test_unknown_unit_vocabulary_and_yes_no(tmp_path, ctx):
    header = ["日期", "单位", "活动类型", "标题", "主要负责同志参加", "人数", "参加单位"]
    rows = [header,
            ["2018-05-20", "县政府办公室", "培训", "全县政务公开培训", "√", 80, "县财政局；县发改局、宁安镇"],
            ["2018-05-21", "县老干部局", "培训", "x", "", 1, ""],
            ["2018-05-22", "县财政局", "茶话会", "x", "否", 1, ""],
            ["2018-05-23", "县财政局", "工作会议", "x", "也许", 1, ""],
            ["2018-05-24", "县财政局", "培训", "x", "N", 1, "县财政局、火星局"],
            ["2018-05-25", "县财政局", "培训", "x", "N", "十", ""]]
    result = read(write_xlsx(tmp_path / "a.xlsx", rows), ACTIVITIES, ctx)
    assert len(result.rows) == 1
    first = result.rows.iloc[0]
    assert first.head_attended is True and first.people == 80
    assert first.units_involved == ["县财政局", "县发展和改革局", "宁安镇"]
    reasons = dict(zip(result.rejects.row_number, result.rejects.column_name, strict=True))
    assert reasons == {3: "单位", 4: "活动类型", 5: "主要负责同志参加", 6: "参加单位", 7: "人数"}
    assert "单位名录" in result.rejects.set_index("row_number").loc[3, "reason"]


def test_personal_information_never_leaves_the_reader(tmp_path, ctx):
    rows = [REQUEST_HEADER,
            ["YSQ-1", "2018-03-01", "网络", "自然人", "县财政局", "同意公开", "2018-03-05", *PII,
             None, None, "否", 0],
            ["YSQ-2", "2018-03-01", "微信", "自然人", "县财政局", None, None, *PII, None, None, None, None]]
    result = read(write_xlsx(tmp_path / "q.xlsx", rows), REQUESTS, ctx)
    assert len(result.rows) == 1 and len(result.rejects) == 1
    text = result.rows.to_csv() + result.rejects.to_csv()
    for value in PII:
        assert value not in text
    key = result.rows.loc[0, "applicant_key"]
    assert len(key) == 20 and key not in PII[1]
    other = ReadContext(DIVISION, ctx.registry, b"another-secret", ctx.vocabularies)
    assert read(tmp_path / "q.xlsx", REQUESTS, other).rows.loc[0, "applicant_key"] != key


def test_outcome_words_accept_full_width_separators(tmp_path, ctx):
    rows = [REQUEST_HEADER[:7],
            ["A", "2018-03-01", "网络", "自然人", "县财政局", "不同意公开－涉及个人隐私", "2018-03-05"],
            ["B", "2018-03-01", "网络", "自然人", "县财政局", "不同意公开：涉及商业秘密", "2018-03-05"],
            ["C", "2019-06-03", "网络", "自然人", "县财政局", "无法提供-本机关不掌握相关政府信息",
             "2019-06-05"]]
    result = read(write_xlsx(tmp_path / "o.xlsx", rows), REQUESTS, ctx)
    assert list(result.rows["outcome"]) == ["不同意公开-涉及个人隐私",
                                            "不同意公开-涉及商业秘密",
                                            "无法提供-本机关不掌握相关政府信息"]


def test_returns_refuse_csv_and_unknown_reporting_unit(tmp_path, ctx):
    path = write_csv(tmp_path / "r.csv", return_rows("县财政局", "2018-07", None, []))
    assert "只接受 .xlsx" in read(path, RETURNS, ctx).error
    path = write_xlsx(tmp_path / "u.xlsx", return_rows("县老干部局", "2018-07", None,
                                                      [["1.1.1", "x", "未启动", None, None, None, None]]))
    result = read(path, RETURNS, ctx)
    assert "报送单位" in result.error and result.rows.empty and len(result.rejects) == 1
    path = write_xlsx(tmp_path / "m.xlsx", return_rows("县财政局", "七月", None, []))
    assert "报送期间" in read(path, RETURNS, ctx).error


def test_corrupt_workbook_is_rejected_whole(tmp_path, ctx):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    result = read(path, RETURNS, ctx)
    assert result.error and "无法打开" in result.error
    assert result.rejects.iloc[0]["file"] == "bad.xlsx"


def test_footer_rows_are_named_as_such(tmp_path, ctx):
    rows = return_rows("县财政局", "2018-07", None, [["1.1.1", "x", "未启动", None, None, None, None]])
    rows += [[], [None, None, None, None, None, None, None, None, "填表人：李四  审核人：王五"]]
    result = read(write_xlsx(tmp_path / "f.xlsx", rows), RETURNS, ctx)
    assert len(result.rows) == 1
    assert result.rejects.iloc[0].reason.startswith("非数据行")


def test_every_contract_declares_its_key_fields():
    for contract in CONTRACTS.values():
        names = {f.name for f in (*contract.metadata, *contract.fields)}
        assert contract.key and set(contract.key) <= names, contract.source
