"""The leaders' pack on the demo marts plus a handmade ``annual_report`` (template 2008).

Every file is read back the way its reader would: the workbook with openpyxl, the draft
report with python-docx, the page parsed for anything it would fetch, the PNGs by their
signature. PNG charts need Chromium: their test needs it (``system.require``: it fails under
``CI=true``, skips elsewhere); the pack without a browser is a test of its own.
"""

from __future__ import annotations

import json
import shutil
import struct
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest
from docx import Document
from system import require

from pipelines.annual.templates import load_templates
from pipelines.marts.assets import SQL as MARTS_SQL
from pipelines.pack import assets as pack_module
from pipelines.pack import layout
from pipelines.pack.assets import PNG_NOTE_FILE, leaders_pack, write_packs
from pipelines.partitions import ensure_partitions
from pipelines.reference.store import ReferenceStore
from pipelines.resources import MartsDatabase
from pipelines.settings import Settings

DIVISION = "640521"
TEMPLATES = load_templates(ReferenceStore())

# The Word draft's section headings under template 2008 (its file's ``report``).
HEADINGS_2008 = [
    "一、概述",
    "二、主动公开政府信息情况",
    "三、依申请公开政府信息情况",
    "四、政府信息公开的收费及减免情况",
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
    "六、政府信息公开工作存在的主要问题及改进情况",
    "七、其他需要报告的事项",
]

# Template 2008 (annual-report-templates.md): code, label, unit; None unit = heading row.
TEMPLATE_2008 = [
    ("1", "一、主动公开情况", None),
    ("1.1", "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条"),
    ("1.1.a", "其中：主动公开规范性文件数", "条"),
    ("1.1.b", "制发规范性文件总数", "件"),
    ("1.2", "（二）通过不同渠道和方式公开政府信息的情况", None),
    ("1.2.1", "1.政府公报公开政府信息数", "条"),
    ("1.2.2", "2.政府网站公开政府信息数", "条"),
    ("1.2.3", "3.政务微博公开政府信息数", "条"),
    ("1.2.4", "4.政务微信公开政府信息数", "条"),
    ("1.2.5", "5.其他方式公开政府信息数", "条"),
    ("2", "二、回应解读情况", None),
    ("2.1", "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次"),
    ("2.2", "（二）通过不同渠道和方式回应解读的情况", None),
    ("2.2.1", "1.参加或举办新闻发布会总次数", "次"),
    ("2.2.1.a", "其中：主要负责同志参加新闻发布会次数", "次"),
    ("2.2.2", "2.政府网站在线访谈次数", "次"),
    ("2.2.2.a", "其中：主要负责同志参加政府网站在线访谈次数", "次"),
    ("2.2.3", "3.政策解读稿件发布数", "篇"),
    ("2.2.4", "4.微博微信回应事件数", "次"),
    ("2.2.5", "5.其他方式回应事件数", "次"),
    ("3", "三、依申请公开情况", None),
    ("3.1", "（一）收到申请数", "件"),
    ("3.1.1", "1.当面申请数", "件"),
    ("3.1.2", "2.传真申请数", "件"),
    ("3.1.3", "3.网络申请数", "件"),
    ("3.1.4", "4.信函申请数", "件"),
    ("3.2", "（二）申请办结数", "件"),
    ("3.2.1", "1.按时办结数", "件"),
    ("3.2.2", "2.延期办结数", "件"),
    ("3.3", "（三）申请答复数", "件"),
    ("3.3.1", "1.属于已主动公开范围数", "件"),
    ("3.3.2", "2.同意公开答复数", "件"),
    ("3.3.3", "3.同意部分公开答复数", "件"),
    ("3.3.4", "4.不同意公开答复数", "件"),
    ("3.3.4.a", "其中：涉及国家秘密", "件"),
    ("3.3.4.b", "涉及商业秘密", "件"),
    ("3.3.4.c", "涉及个人隐私", "件"),
    ("3.3.4.d", "危及国家安全、公共安全、经济安全和社会稳定", "件"),
    ("3.3.4.e", "不是《条例》所指政府信息", "件"),
    ("3.3.4.f", "法律法规规定的其他情形", "件"),
    ("3.3.5", "5.不属于本行政机关公开数", "件"),
    ("3.3.6", "6.申请信息不存在数", "件"),
    ("3.3.7", "7.告知作出更改补充数", "件"),
    ("3.3.8", "8.告知通过其他途径办理数", "件"),
    ("4", "四、行政复议数量", "件"),
    ("4.1", "（一）维持具体行政行为数", "件"),
    ("4.2", "（二）被依法纠错数", "件"),
    ("4.3", "（三）其他情形数", "件"),
    ("5", "五、行政诉讼数量", "件"),
    ("5.1", "（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("5.2", "（二）被依法纠错数", "件"),
    ("5.3", "（三）其他情形数", "件"),
    ("6", "六、举报投诉数量", "件"),
    ("7", "七、依申请公开信息收取的费用", "万元"),
    ("8", "八、机构建设和保障经费情况", None),
    ("8.1", "（一）政府信息公开工作专门机构数", "个"),
    ("8.2", "（二）设置政府信息公开查阅点数", "个"),
    ("8.3", "（三）从事政府信息公开工作人员数", "人"),
    ("8.3.1", "1.专职人员数（不包括政府公报及政府网站工作人员数）", "人"),
    ("8.3.2", "2.兼职人员数", "人"),
    ("8.4", "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元"),
    ("9", "九、政府信息公开会议和培训情况", None),
    ("9.1", "（一）召开政府信息公开工作会议或专题会议数", "次"),
    ("9.2", "（二）举办各类培训班数", "次"),
    ("9.3", "（三）接受培训人员数", "人次"),
]

# The charts of a year's pack with an earlier year in the data (2018 here): PNG file → title.
CHARTS = {
    "01-主动公开按月": "主动公开信息数量（按月）", "02-主动公开按类别": "主动公开信息数量（按类别）",
    "03-主动公开按渠道": "主动公开信息数量（按公开渠道）", "04-依申请公开办理情况": "依申请公开办理情况",
    "05-依申请公开答复时效": "依申请公开答复时效", "06-依申请公开办理用时": "依申请公开办理用时与法定期限",
    "07-依申请公开办理结果": "依申请公开办理结果", "08-工作任务完成情况": "工作任务完成情况",
    "09-方案量化指标": "方案量化指标达标情况", "10-月度进展报送": "进展情况按月报送情况",
    "11-主要指标年度对比": "主要指标年度对比",
}

# 2018 satisfies every identity of the template; 2017 too, with fewer items and requests.
VALUES_2018 = {
    "1.1": 2142, "1.1.a": 12, "1.1.b": 15, "1.2.1": 14, "1.2.2": 2142, "1.2.3": 143, "1.2.4": 438,
    "1.2.5": 90, "2.1": 14, "2.2.1": 2, "2.2.1.a": 1, "2.2.2": 3, "2.2.2.a": 1, "2.2.3": 85, "2.2.4": 10,
    "2.2.5": 4, "3.1": 60, "3.1.1": 20, "3.1.2": 0, "3.1.3": 35, "3.1.4": 5, "3.2": 55, "3.2.1": 52,
    "3.2.2": 3, "3.3": 55, "3.3.1": 10, "3.3.2": 15, "3.3.3": 1, "3.3.4": 5, "3.3.4.a": 0, "3.3.4.b": 1,
    "3.3.4.c": 3, "3.3.4.d": 0, "3.3.4.e": 1, "3.3.4.f": 0, "3.3.5": 10, "3.3.6": 7, "3.3.7": 2, "3.3.8": 5,
    "4": 3, "4.1": 1, "4.2": 1, "4.3": 1, "5": 2, "5.1": 1, "5.2": 0, "5.3": 1, "6": 4, "7": 0.015,
    "8.1": 1, "8.2": 12, "8.3": 45, "8.3.1": 5, "8.3.2": 40, "8.4": 3.5, "9.1": 6, "9.2": 4, "9.3": 320,
}
VALUES_2017 = {**VALUES_2018, "1.1": 2000, "1.2.2": 2000, "3.1": 48, "3.1.3": 23}
# 2016 breaks 3.1 = 3.1.1 + … + 3.1.4: its table must be refused.
VALUES_2016 = {**VALUES_2018, "3.1": 61}


def annual_rows(year: int, values: dict[str, float], template: str = "2008") -> list[dict]:
    """``annual_report`` rows of the whole division for one year of template 2008."""
    return [{"division": DIVISION, "unit": None, "year": year, "template": template, "table_code": "main",
             "row_code": code, "col_code": "value", "label": label,
             "value": None if unit is None else float(values[code]), "measure_unit": unit}
            for code, label, unit in TEMPLATE_2008]


def add_annual_report(db: Path, years: dict[int, dict[str, float]]) -> None:
    """Create the contract's ``annual_report`` table (no optional columns) in a marts file,
    and the ``report_years`` mart again, as a build that made those tables would have."""
    frame = pd.DataFrame([r for y, v in years.items() for r in annual_rows(y, v)])
    con = duckdb.connect(str(db))
    try:
        con.execute("DROP TABLE IF EXISTS annual_report")
        con.register("rows_df", frame)
        con.execute("""CREATE TABLE annual_report AS
                       SELECT division, unit::VARCHAR AS unit, year::INTEGER AS year, template, table_code,
                              row_code, col_code, label, value::DOUBLE AS value, measure_unit
                       FROM rows_df""")
        con.unregister("rows_df")
        if MARTS_SQL.exists("mart_report_years"):
            MARTS_SQL.run(con, "mart_report_years")
    finally:
        con.close()


@pytest.fixture(scope="module")
def pack_dir(demo, tmp_path_factory) -> Path:
    """A data directory whose published marts are the demo's plus a handmade annual_report."""
    demo_dir = demo[0]
    data_dir = tmp_path_factory.mktemp("pack")
    copy_division(demo_dir, data_dir)
    add_annual_report(division_db(data_dir), {2016: VALUES_2016, 2017: VALUES_2017, 2018: VALUES_2018})
    return data_dir


def division_db(data_dir: Path) -> Path:
    """The division's published database, which the pack reads."""
    return data_dir / "marts" / "divisions" / f"{DIVISION}.duckdb"


def copy_division(source: Path, data_dir: Path) -> None:
    """Copy a data directory's published division database (and nothing else) into ``data_dir``."""
    division_db(data_dir).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(division_db(source), division_db(data_dir))


@pytest.fixture(scope="module")
def materialized(pack_dir):
    """The ``leaders_pack`` asset materialized on ``pack_dir``: (run result, instance)."""
    instance = dg.DagsterInstance.ephemeral()
    ensure_partitions(instance, [DIVISION])
    result = dg.materialize([leaders_pack], resources={"marts_db": MartsDatabase(
        data_dir=str(pack_dir), as_of="2019-01-10")}, instance=instance, partition_key=DIVISION,
        raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_step_failure]
    return result, instance


def year_dir(data_dir: Path, year: int = 2018) -> Path:
    return data_dir / "marts" / "reports" / DIVISION / str(year)


def warnings_of(result, instance) -> list[str]:
    return [e.user_message for e in instance.all_logs(result.run_id)
            if e.level >= 30 and e.user_message]  # logging.WARNING


def test_one_folder_per_division_and_year(materialized, pack_dir):
    years = sorted(p.name for p in (pack_dir / "marts" / "reports" / DIVISION).iterdir())
    # the handmade tables' years and the demo plans' (2018, 2019); no temp or old folders beside them
    assert years == ["2016", "2017", "2018", "2019"]
    for y in years:
        folder = year_dir(pack_dir, int(y))
        assert {p.name for p in folder.iterdir()} >= {"annual-report.xlsx", "annual-report.docx",
                                                      "report.html", "charts"}


def test_xlsx_lays_the_2008_table_out_like_the_template(materialized, pack_dir):
    wb = openpyxl.load_workbook(year_dir(pack_dir) / "annual-report.xlsx")
    assert wb.sheetnames == ["统计表"]
    ws = wb["统计表"]
    assert "政府信息公开情况统计表" in ws["A1"].value and "2018" in ws["A1"].value
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:D1" in merged  # the title spans the table
    header = next(r for r in range(1, 10) if ws.cell(r, 2).value == "统计指标")
    assert [ws.cell(header, c).value for c in range(1, 5)] == ["代码", "统计指标", "单位", "统计数"]
    rows = {ws.cell(r, 1).value: r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert ws.cell(rows["1.1"], 2).value.startswith("（一）主动公开政府信息数")
    assert ws.cell(rows["1.1"], 3).value == "条"
    assert ws.cell(rows["1.1"], 4).value == 2142
    assert ws.cell(rows["3.2.1"], 4).value == 52
    assert ws.cell(rows["7"], 4).value == pytest.approx(0.015)
    assert ws.cell(rows["3.1"], 4).alignment.horizontal == "right"
    # A heading row carries no figure: its label spans the row as a section heading.
    assert f"B{rows['1']}:D{rows['1']}" in merged
    assert ws.cell(rows["1"], 2).value == "一、主动公开情况" and ws.cell(rows["1"], 2).font.b
    formulas = [c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas == []
    assert ws.cell(rows["1.1"], 2).font.name == "宋体"
    assert 30 <= ws.column_dimensions["B"].width <= 70


def test_xlsx_withholds_a_table_that_breaks_an_identity(materialized, pack_dir):
    ws = openpyxl.load_workbook(year_dir(pack_dir, 2016) / "annual-report.xlsx")["统计表"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("本表未导出") and "3.1" in t for t in texts)
    assert not any(isinstance(c.value, (int, float)) for row in ws.iter_rows() for c in row)
    html = (year_dir(pack_dir, 2016) / "report.html").read_text(encoding="utf-8")
    assert "本表未导出" in html
    result, instance = materialized
    assert any("2016" in w and "未导出" in w for w in warnings_of(result, instance))


def test_docx_has_the_2008_headings_and_key_figures(materialized, pack_dir):
    doc = Document(str(year_dir(pack_dir) / "annual-report.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == HEADINGS_2008
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2018年，全县主动公开政府信息2142条" in text
    assert "共收到政府信息公开申请60件" in text and "按时办结52件" in text
    # 2017 is in the data: the change is spelled out (2142 vs 2000, 60 vs 48).
    assert "比上年增加142条（增长7.1%）" in text
    assert "比上年增加12件（增长25.0%）" in text
    # The plan's missed targets, as a draft for 存在的主要问题.
    problems = text[text.index(HEADINGS_2008[5]):text.index(HEADINGS_2008[6])]
    assert "未达标" in problems and "不少于5次" in problems
    # The statistics table rides along, values in place.
    table = doc.tables[-1]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["代码", "统计指标", "单位", "统计数"]
    assert any(r[0] == "1.1" and r[3] == "2142" for r in cells)


def test_docx_without_previous_year_or_table_says_so(materialized, pack_dir):
    # 2016: no 2015 in the data, no ledgers of 2016, and its table breaks an identity.
    doc = Document(str(year_dir(pack_dir, 2016) / "annual-report.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS_2008
    assert "比上年" not in text
    assert "本表未导出" in text and "第3.1行≠第3.1.1+3.1.2+3.1.3+3.1.4行（61≠20+0+35+5）" in text
    assert "主动公开政府信息0条" not in text  # no ledgers that year: no made-up zeros
    assert doc.tables == []


class _Resources(HTMLParser):
    """Collects every URL the page would fetch (scripts, styles, fonts, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.inline_scripts: list[int] = []
        self._in_script = False
        self._styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for attr in ("src", "href", "data", "poster", "srcset"):
            url = a.get(attr) or ""
            if url and tag in ("script", "link", "img", "iframe", "embed", "object", "source", "video",
                               "audio"):
                self.external.append(f"{tag} {attr}={url}")
        if "url(" in (a.get("style") or ""):
            self.external.append(f"{tag} style={a['style']}")
        self._in_script = tag == "script"
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_script = self._in_style = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_scripts.append(len(data))
        if self._in_style:
            self._styles.append(data)

    @property
    def style_urls(self) -> list[str]:
        return [s for s in self._styles if "url(" in s or "@import" in s or "@font-face" in s]


def test_report_html_is_self_contained(materialized, pack_dir):
    html = (year_dir(pack_dir) / "report.html").read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(html)
    assert parser.external == []
    assert parser.style_urls == []
    assert max(parser.inline_scripts) > 1_000_000  # plotly.js itself, inlined
    assert "cdn.plot.ly" not in html.split("</head>")[0].split("<script")[0]
    for title in CHARTS.values():
        assert f'aria-label="{title}' in html, title
        assert json.dumps(title)[1:-1] in html, title  # in the figure itself, as plotly escapes it
    assert "上年2000条，同比增加142条（增长7.1%）" in html  # the key figures with their 同比


def test_year_axis_is_categorical(materialized, pack_dir):
    from pipelines.pack import charts

    fig = charts.yearly_comparison(pd.DataFrame({"year": [2017, 2018], "label": ["收到申请"] * 2,
                                                 "value": [48, 60]}))
    assert fig.layout.xaxis.type == "category"
    assert list(fig.data[0].x) == ["2017年", "2018年"]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_png_charts_are_written_when_a_browser_exists(materialized, pack_dir):
    require("chromium")
    require("cjk-fonts")  # without them the charts' Chinese is drawn as empty boxes
    result, instance = materialized
    charts_dir = year_dir(pack_dir) / "charts"
    pngs = sorted(p.name for p in charts_dir.glob("*.png"))
    # one PNG per chart of the year's pack, and nothing else (no note saying why not)
    assert pngs == sorted(f"{name}.png" for name in CHARTS)
    for png in pngs:
        width, height = _png_size(charts_dir / png)
        assert width >= 1000 and height >= 400
        assert (charts_dir / png).stat().st_size > 20_000
    assert sorted(p.name for p in charts_dir.iterdir()) == pngs
    assert not any("未生成 PNG 图表" in w for w in warnings_of(result, instance))
    assert "未生成 PNG 图表" not in (year_dir(pack_dir) / "report.html").read_text(encoding="utf-8")


NOTEBOOK_PAGE = "<html>笔记本</html>"


def no_browser() -> tuple[None, str]:
    """``BROWSER.get`` on a machine without Chromium."""
    return None, "本机未找到 Chromium 或 Chrome 浏览器"


@pytest.fixture(scope="module")
def without_browser(pack_dir, tmp_path_factory):
    """The packs of a copy of ``pack_dir`` written where no browser is found, the notebooks'
    output already in 2018's folder: (data_dir, results, warnings logged)."""
    import datetime as dt

    data_dir = tmp_path_factory.mktemp("nobrowser")
    copy_division(pack_dir, data_dir)
    notebook = year_dir(data_dir) / "notebooks" / "requests.html"  # the notebooks asset's output
    notebook.parent.mkdir(parents=True)
    notebook.write_text(NOTEBOOK_PAGE, encoding="utf-8")
    warnings: list[str] = []

    class Log:
        def warning(self, message):
            warnings.append(message)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pack_module.BROWSER, "get", no_browser)
        results = write_packs(Settings(data_dir, dt.date(2019, 1, 10)), Log())
    return data_dir, results, warnings


def test_without_a_browser_the_pack_still_comes_with_a_warning(without_browser):
    data_dir, results, warnings = without_browser
    assert {r.year for r in results} == {2016, 2017, 2018, 2019}
    assert all(r.pngs == 0 for r in results)
    assert len(warnings) == 1 and "未生成 PNG 图表" in warnings[0] and "install-system-deps.sh" in warnings[0]
    folder = year_dir(data_dir)
    assert (folder / "annual-report.xlsx").exists() and (folder / "annual-report.docx").exists()
    assert "未生成 PNG 图表" in (folder / "report.html").read_text(encoding="utf-8")
    assert "chromium" in (folder / "charts" / PNG_NOTE_FILE).read_text(encoding="utf-8")
    # a new pack keeps what is not its own
    assert (folder / "notebooks" / "requests.html").read_text(encoding="utf-8") == NOTEBOOK_PAGE


def test_a_failed_pack_leaves_the_previous_one_in_place(without_browser, monkeypatch):
    import datetime as dt

    data_dir, _, _ = without_browser
    monkeypatch.setattr(pack_module.BROWSER, "get", no_browser)
    before = (year_dir(data_dir) / "report.html").read_bytes()

    def boom(pack, path):
        raise RuntimeError("写到一半失败")

    monkeypatch.setattr(pack_module.html, "write_page", boom)
    with pytest.raises(RuntimeError):
        write_packs(Settings(data_dir, dt.date(2019, 1, 10)), force=True)
    assert (year_dir(data_dir) / "report.html").read_bytes() == before
    assert (year_dir(data_dir) / "notebooks" / "requests.html").read_text(encoding="utf-8") == NOTEBOOK_PAGE
    division_dir = data_dir / "marts" / "reports" / DIVISION
    leftovers = [p.name for p in division_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_2019_tables_get_the_official_header_groupings():
    # Tables 三 and 四 of template 2019, as the contract stores them (no optional columns).
    base = {"division": DIVISION, "unit": None, "year": 2019, "template": "2019", "measure_unit": "件"}
    cols3 = ["natural", "business", "research", "charity", "legal", "other", "total"]
    rows = [{**base, "table_code": "4", "row_code": "count", "col_code": f"{g}.{r}", "label": "案件数",
             "value": 0.0} for g in ("review", "suit_direct", "suit_after_review")
            for r in ("upheld", "corrected", "other", "pending", "total")]
    rows += [{**base, "table_code": "3", "row_code": code, "col_code": c, "label": label,
              "value": value if c in ("natural", "total") else 0.0}
             for code, label, value in (("1", "一、本年新收政府信息公开申请数量", 2.0),
                                        ("2", "二、上年结转政府信息公开申请数量", 0.0),
                                        ("3.1", "（一）予以公开", 1.0), ("3.7", "（七）总计", 1.0),
                                        ("4", "四、结转下年度继续办理", 1.0))
             for c in cols3 if not (c == "total" and code == "1")]
    sheets = layout.build_sheets(pd.DataFrame(rows), TEMPLATES["2019"])
    assert [s.name for s in sheets] == ["三、依申请公开", "四、复议诉讼"]
    t3, t4 = sheets[0].tables[0], sheets[1].tables[0]
    assert t3.header_depth == 3
    assert (0, 0, 1, 7, "申请人情况") in t3.header_cells()
    assert (1, 0, 2, 1, "自然人") in t3.header_cells()  # spans down past the 法人 row
    assert (1, 1, 1, 5, "法人或其他组织") in t3.header_cells()
    assert (1, 6, 2, 1, "总计") in t3.header_cells()
    assert [r.code for r in t3.rows][:3] == ["1", "2", "3"]  # 三、本年度办理结果 put back as a heading
    assert t3.rows[2].heading and t3.rows[2].label == "三、本年度办理结果"
    # this fixture leaves most rows out: the shared checker refuses such a table and says why
    assert t3.broken and all("缺失" in m or "≠" in m for m in t3.broken)
    assert t4.header_depth == 3
    assert (0, 0, 1, 5, "行政复议") in t4.header_cells()
    assert (1, 0, 2, 1, "结果维持") in t4.header_cells()  # under 行政复议, down to the last header row
    assert (0, 5, 1, 10, "行政诉讼") in t4.header_cells()
    assert (1, 5, 1, 5, "未经复议直接起诉") in t4.header_cells()
    assert not t4.show_units and not t4.show_codes  # no English codes on the page


def test_identities_are_checked_per_table_with_readable_messages():
    values = {"3.2": 55.0, "3.2.1": 52.0, "3.2.2": 4.0, "1.1": 5.0, "1.1.a": 6.0}
    cells = pd.DataFrame([{"table_code": "main", "row_code": c, "col_code": "value", "value": v}
                          for c, v in values.items()])
    # the shared checker (the one that blocks the build) judges, and names the cells
    problems = layout.identity_problems(cells, TEMPLATES["2008"])
    assert list(problems) == ["main"]
    assert [m.split(" 统计表 ")[-1] for m in problems["main"]] == [
        "第1.1行<第1.1.a行（5<6）", "第3.2行≠第3.2.1+3.2.2行（55≠52+4）"]
