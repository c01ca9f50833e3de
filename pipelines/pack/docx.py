"""``annual-report.docx``: a draft 政府信息公开工作年度报告 for the office to finish.

The section headings are the fixed ones of the template in force (2008 era: 一 to 七;
2019/2021: 一 to 六). Under them: plain sentences carrying the year's key figures and, where
the data has last year, the change; the statistics tables (2008: as an attachment; 2019/2021:
tables 二、三、四 in their sections); and, under 存在的主要问题, a draft listing the plan's
own targets that were missed and by how much. Sentences the data cannot write are left as
bracketed prompts (（请补充……）) for the drafter.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipelines.pack.model import KeyFigure, PackData, StatSheet, StatTable
from pipelines.vocabulary import TASK_STATES, format_number

TITLE_FONT, HEADING_FONT, BODY_FONT, TABLE_FONT = "宋体", "黑体", "仿宋", "宋体"
WIDE_TABLE_COLUMNS = 10
PORTRAIT_TEXT_CM, LANDSCAPE_TEXT_CM = 15.6, 25.7  # A4 less the margins set in _margins/_landscape

HEADINGS_2008 = [
    "一、概述",
    "二、主动公开政府信息情况",
    "三、依申请公开政府信息情况",
    "四、政府信息公开的收费及减免情况",
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
    "六、政府信息公开工作存在的主要问题及改进情况",
    "七、其他需要报告的事项",
]
HEADINGS_2019 = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


_NUMBERING = re.compile(r"^(其中[：:]|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.．、])+")
_TRAILING_COUNT = re.compile(r"(总次数|次数|数量|数)$")


def headings_for(template: str) -> list[str]:
    """The fixed section headings of the report under a template."""
    return HEADINGS_2008 if template == "2008" else HEADINGS_2019


def clean_label(label: str) -> str:
    """A table label as prose: numbering and a trailing 数 dropped (``1.当面申请数`` → ``当面申请``)."""
    return _TRAILING_COUNT.sub("", _NUMBERING.sub("", label.strip()))


def num(value: float | None, unit: str = "") -> str:
    """A figure with its unit as prose writes it (``60件``, ``0.015万元``)."""

    return f"{format_number(value, unit)}{unit}"


def breakdown(table: StatTable | None, parent: str, col: str = "value", letters: bool = False,
              unit: str | None = None) -> str | None:
    """``当面申请20件、网络申请35件`` from the non-zero children of a row; None when none."""
    if table is None or table.refused:
        return None
    parts = []
    for row in table.rows:
        head, _, last = row.code.rpartition(".")
        if head != parent or row.heading or (last.isdigit() == letters):
            continue
        value = row.values.get(col)
        if value:
            parts.append(f"{clean_label(row.label)}{num(value, unit or row.unit or '')}")
    return "、".join(parts) or None


# Figures whose change from last year is always said, even when there is none; the others
# only when they changed, so the prose does not repeat 与上年持平 after every number.
HEADLINE_FIGURES = ("disclosed", "requests_received")


def figure_clause(fig: KeyFigure | None, label: str | None = None) -> str | None:
    """``主动公开政府信息2143条，比上年增加143条（增长7.1%）``; None without the figure."""
    if fig is None or fig.value is None:
        return None
    text = f"{label or fig.label}{fig.text}"
    change = fig.change
    if change and (fig.key in HEADLINE_FIGURES or change != "与上年持平"):
        return f"{text}，{change}"
    return text


def overview_sentence(pack: PackData) -> str:
    """The key-figure sentence that opens the report."""
    f = pack.figures
    parts = [figure_clause(f.get("disclosed"))]
    normative = f.get("normative")
    if normative and normative.value is not None:
        parts.append(f"{'其中' if not normative.label.startswith('其中') and 'disclosed' in f else ''}"
                     f"{figure_clause(normative)}")
    first = "；".join(p for p in parts if p)
    requests = [figure_clause(f.get("requests_received"), "共收到政府信息公开申请")]
    if "requests_carried_in" in f:
        requests.append(figure_clause(f["requests_carried_in"], "上年结转"))
    if "requests_closed" in f:
        requests.append(figure_clause(f["requests_closed"]))
    timing = [figure_clause(f.get(k)) for k in ("requests_on_time", "requests_late")]
    timing = [t for t in timing if t]
    second = "，".join(p for p in requests if p)
    if timing:
        second += "，其中" + "、".join(timing)
    if "requests_carried_out" in f:
        second += "；" + figure_clause(f["requests_carried_out"])
    appeals = [figure_clause(f.get("reviews")), figure_clause(f.get("suits"))]
    third = "；".join(a for a in appeals if a)
    sentences = [s for s in (first, second, third) if s]
    if not sentences:
        return f"（{pack.year}年没有可用的统计数字，请补充本年度主要数据。）"
    return f"{pack.year}年，{pack.whole}" + "。".join(sentences) + "。"


def plan_sentence(pack: PackData) -> str | None:
    """How the year's plan went: tasks by state and the targets met."""
    ts = pack.task_status
    if ts.empty:
        return None
    counts = ts["state"].value_counts()
    states = "，".join(f"{word}{int(counts[s])}项" for s, word in TASK_STATES.items() if counts.get(s, 0))
    title = f"《{pack.plan_title}》" if pack.plan_title else f"{pack.year}年政务公开工作方案"
    text = (f"{title}确定工作任务{ts['task_code'].nunique()}项，分解到责任单位共{len(ts)}项"
            f"（任务×责任单位）。截至{pack.as_of.year}年{pack.as_of.month}月{pack.as_of.day}日，{states}。")
    pm = pack.plan_metrics
    if not pm.empty:
        met = int((pm["passed"] == True).sum())  # noqa: E712 - NULL (unmeasurable) is neither
        missed = int((pm["passed"] == False).sum())  # noqa: E712
        text += f"方案设定的{len(pm)}项量化指标中，{met}项达标，{missed}项未达标。"
    return text


def missed_targets(pack: PackData, limit: int = 5) -> list[str]:
    """One draft sentence per missed target of the plan, with its shortfalls."""
    pm = pack.plan_metrics
    if pm.empty:
        return []
    out = []
    for r in pm[pm["passed"] == False].itertuples():  # noqa: E712
        short = list(r.shortfalls) if r.shortfalls is not None else []
        where = "全方案" if r.task_code is None or pd.isna(r.task_code) else f"任务{r.task_code}"
        text = f"{r.description}（{where}）：目标为{r.target or '—'}，实际为{r.actual or '—'}。"
        if short:
            text += "未达标情况：" + "；".join(short[:limit])
            text += f"等，共{len(short)}项。" if len(short) > limit else "。"
        out.append(text)
    return out


def write_report(pack: PackData, path: Path) -> None:
    """Write the draft annual report of one division-year as ``annual-report.docx``."""
    doc = Document()
    _styles(doc)
    _margins(doc.sections[0])
    title = doc.add_paragraph(style="Title")
    title.add_run(f"{pack.division_name}{pack.year}年政府信息公开工作年度报告")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(f"（草稿，由政务公开数据管道根据数据集市自动生成，数据截至"
                            f"{pack.as_of.year}年{pack.as_of.month}月{pack.as_of.day}日；"
                            f"统计表格式：{pack.template_name}）")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.first_line_indent = None
    _small(sub, 12)
    for note in pack.notes:
        _warn(doc.add_paragraph(f"提示：{note}"))
    if pack.template == "2008":
        _report_2008(doc, pack)
    else:
        _report_2019(doc, pack)
    doc.core_properties.title = f"{pack.division_name}{pack.year}年政府信息公开工作年度报告（草稿）"
    doc.core_properties.author = "政务公开数据管道"
    doc.save(path)


# --- the two eras -----------------------------------------------------------------------


def _report_2008(doc: DocumentObject, pack: PackData) -> None:
    h = headings_for("2008")
    main = pack.table("main")
    usable = main if main is not None and not main.refused else None
    f = pack.figures

    doc.add_heading(h[0], level=1)
    _para(doc, "（请补充本年度政府信息公开工作的总体部署和主要做法。）")
    _para(doc, overview_sentence(pack))
    _para(doc, plan_sentence(pack))
    _para(doc, _organisation_2008(pack, usable))

    doc.add_heading(h[1], level=1)
    first = [figure_clause(f.get("disclosed"), "全年主动公开政府信息")]
    if usable is not None:
        if usable.value("1.1.a") is not None:
            first.append(f"其中主动公开规范性文件{num(usable.value('1.1.a'), '条')}")
        if usable.value("1.1.b") is not None:
            first.append(f"制发规范性文件总数{num(usable.value('1.1.b'), '件')}")
    _para(doc, _sentence(first))
    channels = breakdown(usable, "1.2")
    if channels:
        _para(doc, f"通过不同渠道和方式公开政府信息的情况：{channels}（不同渠道公开相同信息分别计数）。")
    _para(doc, _categories_sentence(pack))
    _para(doc, _timeliness_sentence(pack))
    if usable is not None:
        hot = usable.value("2.1")
        responses = [f"回应公众关注热点或重大舆情{num(hot, '次')}" if hot is not None else None,
                     breakdown(usable, "2.2")]
        _para(doc, _sentence(responses, lead="在回应解读方面，"))

    doc.add_heading(h[2], level=1)
    received = figure_clause(f.get("requests_received"), "全年共收到政府信息公开申请")
    by_channel = breakdown(usable, "3.1")
    _para(doc, _sentence([received, f"其中{by_channel}" if by_channel else None]))
    closed = figure_clause(f.get("requests_closed"))
    timing = "、".join(t for t in (figure_clause(f.get("requests_on_time")),
                                  figure_clause(f.get("requests_late"))) if t)
    _para(doc, _sentence([closed, f"其中{timing}" if timing else None]))
    answers = breakdown(usable, "3.3")
    refusals = breakdown(usable, "3.3.4", letters=True)
    if answers:
        text = f"从答复类型看，{answers}"
        if refusals:
            text += f"；不同意公开的原因：{refusals}"
        _para(doc, text + "。")
    _para(doc, _requests_clock_sentence(pack))

    doc.add_heading(h[3], level=1)
    fees = f.get("fees")
    if fees is not None and fees.value:
        _para(doc, f"全年依申请公开政府信息收取费用{fees.text}。（减免情况请补充。）")
    elif fees is not None:
        _para(doc, "全年依申请公开政府信息未收取费用。")
    else:
        _para(doc, "（请补充收费及减免情况。）")

    doc.add_heading(h[4], level=1)
    _para(doc, _appeals_sentence_2008(pack, usable))

    doc.add_heading(h[5], level=1)
    _problems(doc, pack)

    doc.add_heading(h[6], level=1)
    _para(doc, "（无。如有其他需要报告的事项，请补充。）")

    sheet = pack.sheet("main")
    if sheet is not None:
        doc.add_page_break()
        p = doc.add_paragraph("附件：政府信息公开情况统计表")
        _bold(p, HEADING_FONT)
        _sheet(doc, sheet, pack)


def _report_2019(doc: DocumentObject, pack: PackData) -> None:
    h = headings_for(pack.template)
    f = pack.figures
    doc.add_heading(h[0], level=1)
    _para(doc, overview_sentence(pack))
    _para(doc, plan_sentence(pack))
    _para(doc, "（请补充主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面的主要做法。）")

    doc.add_heading(h[1], level=1)
    _para(doc, _sentence([figure_clause(f.get("disclosed"), "全年主动公开政府信息"),
                          figure_clause(f.get("normative"))]))
    _para(doc, _categories_sentence(pack))
    _para(doc, _timeliness_sentence(pack))
    _sheet(doc, pack.sheet("2"), pack)

    doc.add_heading(h[2], level=1)
    t3 = pack.table("3")
    usable = t3 if t3 is not None and not t3.refused else None
    first = [figure_clause(f.get("requests_received")), figure_clause(f.get("requests_carried_in"))]
    _para(doc, _sentence(first))
    results = breakdown(usable, "3", col="total", unit="件")
    closed = figure_clause(f.get("requests_closed"))
    _para(doc, _sentence([closed, f"其中{results}" if results else None,
                          figure_clause(f.get("requests_carried_out"))]))
    _para(doc, _requests_clock_sentence(pack))
    _sheet(doc, pack.sheet("3"), pack)

    doc.add_heading(h[3], level=1)
    _para(doc, _appeals_sentence_2019(pack))
    _sheet(doc, pack.sheet("4"), pack)

    doc.add_heading(h[4], level=1)
    _problems(doc, pack)

    doc.add_heading(h[5], level=1)
    fees = f.get("fees")
    if fees is not None:
        _para(doc, f"本年度依申请公开政府信息收取信息处理费{fees.text}。" if fees.value
                   else "本年度未收取信息处理费。")
    _para(doc, "（如有其他需要报告的事项，请补充。）")


# --- sentences ---------------------------------------------------------------------------


def _sentence(parts: list[str | None], lead: str = "") -> str | None:
    parts = [p for p in parts if p]
    return f"{lead}{'，'.join(parts)}。" if parts else None


def _organisation_2008(pack: PackData, t: StatTable | None) -> str | None:
    if t is None:
        return None
    v = t.value
    parts = []
    if v("8.1") is not None:
        parts.append(f"设立政府信息公开工作专门机构{num(v('8.1'), '个')}")
    if v("8.2") is not None:
        parts.append(f"设置政府信息公开查阅点{num(v('8.2'), '个')}")
    if v("8.3") is not None:
        staff = f"从事政府信息公开工作人员{num(v('8.3'), '人')}"
        if v("8.3.1") is not None and v("8.3.2") is not None:
            staff += f"（其中专职{num(v('8.3.1'), '人')}、兼职{num(v('8.3.2'), '人')}）"
        parts.append(staff)
    if v("8.4") is not None:
        parts.append(f"政府信息公开专项经费{num(v('8.4'), '万元')}")
    meetings = [f"召开政府信息公开工作会议或专题会议{num(v('9.1'), '次')}" if v("9.1") is not None else None,
                f"举办各类培训班{num(v('9.2'), '次')}" if v("9.2") is not None else None,
                f"接受培训人员{num(v('9.3'), '人次')}" if v("9.3") is not None else None]
    first = f"{pack.whole}{'，'.join(parts)}。" if parts else ""
    second = _sentence(meetings, lead="全年") or ""
    return (first + second) or None


def _categories_sentence(pack: PackData) -> str | None:
    d = pack.disclosures
    if d.empty:
        return None
    counts = d.groupby("category")["index_no"].nunique().sort_values(ascending=False)
    counts = counts[counts.index != "其他"].head(6)
    if counts.empty:
        return None
    return "从信息类别看，公开较多的是" + "、".join(f"{c}{int(n)}条" for c, n in counts.items()) + "。"


def _timeliness_sentence(pack: PackData) -> str | None:
    d = pack.disclosures
    if d.empty or "timely" not in d:
        return None
    judged = d.dropna(subset=["timely"])
    if judged.empty:
        return None
    on_time = int(judged["timely"].astype(bool).sum())
    return (f"按规定时限统计，应在时限内公开的{len(judged)}条信息中，按时公开{on_time}条，"
            f"按时公开率{on_time / len(judged) * 100:.1f}%。")


def _requests_clock_sentence(pack: PackData) -> str | None:
    r = pack.requests
    if r.empty:
        return None
    c = r["state"].value_counts()
    parts = [f"按时答复{int(c.get('answered_on_time', 0))}件", f"逾期答复{int(c.get('answered_late', 0))}件"]
    open_all = int(c.get("open", 0) + c.get("open_overdue", 0))
    if open_all:
        parts.append(f"尚在办理{open_all}件（其中已超过答复期限{int(c.get('open_overdue', 0))}件）")
    return (f"按法定答复期限统计，本年收到的{len(r)}件申请截至{pack.as_of.year}年{pack.as_of.month}月"
            f"{pack.as_of.day}日：" + "，".join(parts) + "。")


def _appeals_sentence_2008(pack: PackData, t: StatTable | None) -> str:
    f = pack.figures
    parts = []
    for key, parent, word in (("reviews", "4", "行政复议"), ("suits", "5", "行政诉讼")):
        fig = f.get(key)
        if fig is None:
            continue
        if not fig.value:
            parts.append(f"未发生因政府信息公开申请引发的{word}")
            continue
        detail = breakdown(t, parent)
        parts.append(figure_clause(fig) + (f"，其中{detail}" if detail else ""))
    complaints = t.value("6") if t is not None else None
    if complaints is not None:
        parts.append(f"收到有关政府信息公开的举报投诉{num(complaints, '件')}")
    return (f"{pack.year}年，" + "；".join(parts) + "。") if parts else "（请补充行政复议、行政诉讼情况。）"


def _appeals_sentence_2019(pack: PackData) -> str:
    t = pack.table("4")
    if t is None or t.refused or not t.rows:
        return "（请补充行政复议、行政诉讼情况。）"
    row = t.rows[0].code
    words = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结"}
    parts = []
    for route, label in (("review", "行政复议"), ("suit_direct", "未经复议直接起诉的行政诉讼"),
                         ("suit_after_review", "复议后起诉的行政诉讼")):
        total = t.value(row, f"{route}.total")
        if total is None:
            continue
        detail = "、".join(f"{w}{num(t.value(row, f'{route}.{k}'), '件')}" for k, w in words.items()
                           if t.value(row, f"{route}.{k}"))
        parts.append(f"{label}{num(total, '件')}" + (f"（{detail}）" if detail else ""))
    return f"{pack.year}年，因政府信息公开引发" + "；".join(parts) + "。" if parts else "（请补充。）"


def _problems(doc: DocumentObject, pack: PackData) -> None:
    sub = doc.add_paragraph("（一）本年度工作方案量化指标未达标情况（草稿）")
    _bold(sub, "楷体")
    pm = pack.plan_metrics
    if pm.empty:
        _para(doc, "本年度工作方案未设定可计算的量化指标。")
    else:
        met = int((pm["passed"] == True).sum())  # noqa: E712
        missed = missed_targets(pack)
        unknown = int(pm["passed"].isna().sum())
        text = f"方案设定的{len(pm)}项量化指标中，{met}项达标，{len(missed)}项未达标"
        text += f"，{unknown}项暂无法计算。" if unknown else "。"
        _para(doc, text + ("未达标的指标及差距如下：" if missed else ""))
        for i, line in enumerate(missed, start=1):
            _para(doc, f"{i}. {line}")
    ts = pack.task_status
    if not ts.empty:
        late = ts[ts["state"].isin(["overdue", "done_late"])]
        if not late.empty:
            overdue = ts[ts["state"] == "overdue"]
            done_late = int((ts["state"] == "done_late").sum())
            text = f"工作任务方面，逾期完成{done_late}项、逾期未完成{len(overdue)}项（任务×责任单位）"
            if not overdue.empty:
                text += "，逾期未完成的有：" + "；".join(
                    f"{r.task_code} {r.unit}" for r in overdue.head(8).itertuples())
                text += "等。" if len(overdue) > 8 else "。"
            else:
                text += "。"
            _para(doc, text)
    sub = doc.add_paragraph("（二）改进措施")
    _bold(sub, "楷体")
    _para(doc, "（请针对上述问题补充改进措施。）")


# --- tables ------------------------------------------------------------------------------


def _sheet(doc: DocumentObject, sheet: StatSheet | None, pack: PackData) -> None:
    if sheet is None:
        _para(doc, "（数据集市中没有本部分统计表。）")
        return
    for table in sheet.tables:
        # Tables 三 and 四 sit under a section heading of the same words: no caption then.
        if len(sheet.tables) > 1 or sheet.key == "main":
            caption = doc.add_paragraph(table.title)
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption.paragraph_format.first_line_indent = Pt(0)
            _bold(caption, HEADING_FONT, size=12)
        if table.refused:
            _warn(doc.add_paragraph(table.refusal_text()))
            continue
        wide = len(table.columns) + 2 > WIDE_TABLE_COLUMNS
        if wide:
            _landscape(doc.add_section(WD_SECTION.NEW_PAGE), True)
        _table(doc, table, LANDSCAPE_TEXT_CM if wide else PORTRAIT_TEXT_CM)
        if wide:
            _landscape(doc.add_section(WD_SECTION.NEW_PAGE), False)


def column_widths(table: StatTable, text_cm: float) -> list[float]:
    """Column widths in cm filling the text width: narrow code and unit columns, the figures
    as wide as they may be (up to 3.5 cm), the label column the rest (up to 4.5 cm at least)."""
    code = 1.8
    fixed = (code if table.show_codes else 0) + (1.2 if table.show_units else 0)
    n = max(len(table.columns), 1)
    longest = max((len(r.label) for r in table.rows), default=4)
    label_min = max(2.0, min(4.5, 0.35 * longest))  # ≈ one CJK character at 9–10.5 pt
    value = max(1.0, min(3.5, (text_cm - fixed - label_min) / n))
    label = text_cm - fixed - value * len(table.columns)
    return ([code] if table.show_codes else []) + [label] + ([1.2] if table.show_units else []) + (
        [value] * len(table.columns))


def _table(doc: DocumentObject, table: StatTable, text_cm: float) -> None:
    stubs = (["代码"] if table.show_codes else []) + [table.stub_title or "项目"] + (
        ["单位"] if table.show_units else [])
    n_stub, depth = len(stubs), table.header_depth
    n_cols = n_stub + len(table.columns)
    size = 9 if n_cols > 6 else 10.5
    t = doc.add_table(rows=depth + len(table.rows), cols=n_cols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Explicit widths: without them LibreOffice gives every column the same width and the
    # labels wrap a character a line.
    t.autofit = False
    for i, width in enumerate(column_widths(table, text_cm)):
        t.columns[i].width = Cm(width)
        for cell in t.columns[i].cells:
            cell.width = Cm(width)
    for i, text in enumerate(stubs):
        cell = t.cell(0, i).merge(t.cell(depth - 1, i)) if depth > 1 else t.cell(0, i)
        _cell_text(cell, text, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for level, j, rowspan, colspan, text in table.header_cells():
        a, b = t.cell(level, n_stub + j), t.cell(level + rowspan - 1, n_stub + j + colspan - 1)
        cell = a.merge(b) if (rowspan, colspan) != (1, 1) else a
        _cell_text(cell, text, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for level in range(depth):
        _repeat_header(t.rows[level])
    label_col = 1 if table.show_codes else 0
    for i, rec in enumerate(table.rows):
        r = depth + i
        if table.show_codes:
            _cell_text(t.cell(r, 0), rec.code, size - 1, align=WD_ALIGN_PARAGRAPH.CENTER)
        if rec.heading:
            cell = t.cell(r, label_col).merge(t.cell(r, n_cols - 1))
            _cell_text(cell, rec.label, size, bold=True)
            continue
        _cell_text(t.cell(r, label_col), "　" * rec.depth + rec.label, size)
        if table.show_units:
            _cell_text(t.cell(r, label_col + 1), rec.unit or "", size, align=WD_ALIGN_PARAGRAPH.CENTER)
        for j, col in enumerate(table.columns):
            value = rec.values.get(col.code)
            _cell_text(t.cell(r, n_stub + j), "" if value is None else num(value), size,
                       align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.add_paragraph()


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cell_text(cell, text: str, size: float, bold: bool = False,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)  # None would inherit the body's two-character indent
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    p.alignment = align
    run = p.add_run(str(text))
    _font(run, TABLE_FONT if not bold else HEADING_FONT, size, bold=bold)


# --- styles ------------------------------------------------------------------------------


def _font(run, name: str, size: float | None = None, bold: bool | None = None,
          color: RGBColor | None = None) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color


def _style_font(style, name: str, size: float, bold: bool = False) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    # Theme fonts and colours win over named ones: python-docx's headings would stay in the
    # theme's Latin font and blue.
    for attr in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for color in r_pr.findall(qn("w:color")):
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)


def _styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    _style_font(normal, BODY_FONT, 16)
    normal.paragraph_format.first_line_indent = Pt(32)  # two characters, as official documents indent
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    title = doc.styles["Title"]
    _style_font(title, TITLE_FONT, 22, bold=True)
    title.paragraph_format.first_line_indent = None
    title.paragraph_format.space_after = Pt(12)
    title.paragraph_format.line_spacing = 1.2
    # python-docx's Title has a bottom border in blue; an official document has none.
    p_pr = title.element.get_or_add_pPr()
    for border in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(border)
    heading = doc.styles["Heading 1"]
    _style_font(heading, HEADING_FONT, 16)
    heading.paragraph_format.first_line_indent = Pt(32)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    heading.font.italic = False


def _margins(section) -> None:
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.orientation = WD_ORIENT.PORTRAIT


def _landscape(section, on: bool) -> None:
    # Table 四 has fifteen columns of figures: it needs the page turned, then turned back.
    _margins(section)
    if on:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.5)


def _para(doc: DocumentObject, text: str | None) -> None:
    if text:
        doc.add_paragraph(text)


def _bold(p, font: str, size: float = 16) -> None:
    p.paragraph_format.first_line_indent = Pt(32) if font == "楷体" else None
    for run in p.runs:
        _font(run, font, size, bold=font != "楷体")


def _small(p, size: float) -> None:
    for run in p.runs:
        _font(run, BODY_FONT, size)


def _warn(p) -> None:
    for run in p.runs:
        _font(run, BODY_FONT, 12, bold=True, color=RGBColor(0xC0, 0, 0))

