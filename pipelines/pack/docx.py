"""``annual-report.docx``: a draft 政府信息公开工作年度报告 for the office to finish.

The template in force says what the draft holds (its ``report``): the section headings in
order and, under each, its paragraphs: sentences carrying the year's key figures and, where
the data has last year, the change (written by ``narrative``); the statistics tables of a
sheet where the template places them (2008: as an attachment; 2019/2021: tables 二、三、四
in their sections); and, under 存在的主要问题, a draft listing the plan's own targets that
were missed and by how much. Sentences the data cannot write are left out or left as
bracketed prompts (（请补充……）) for the drafter. This module only lays them out.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipelines.annual.report_model import SectionSpec, SheetParagraph
from pipelines.annual.template_model import ReportTemplate
from pipelines.pack.model import PackData, StatSheet, StatTable
from pipelines.pack.narrative import (
    as_of_text,
    fill,
    late_tasks_sentence,
    num,
    paragraph_text,
    targets_paragraphs,
)

TITLE_FONT, HEADING_FONT, BODY_FONT, TABLE_FONT, SUBHEADING_FONT = "宋体", "黑体", "仿宋", "宋体", "楷体"
WIDE_TABLE_COLUMNS = 10
PORTRAIT_TEXT_CM, LANDSCAPE_TEXT_CM = 15.6, 25.7  # A4 less the margins set in _margins/_landscape


def write_report(pack: PackData, path: Path) -> None:
    """Write the draft annual report of one division-year as ``annual-report.docx``."""
    template = pack.template
    doc = Document()
    _styles(doc)
    _margins(doc.sections[0])
    title = doc.add_paragraph(style="Title")
    title.add_run(f"{pack.division_name}{pack.year}年政府信息公开工作年度报告")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(f"（草稿，由政务公开数据管道根据数据集市自动生成，数据截至"
                            f"{as_of_text(pack)}；统计表格式：{pack.template_name}）")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.first_line_indent = None
    _small(sub, 12)
    for note in pack.notes:
        _warn(doc.add_paragraph(f"提示：{note}"))
    report = template.report
    for section in report.sections if report else ():
        _section(doc, pack, template, section)
    if report and report.appendix and pack.sheet(report.appendix.sheet) is not None:
        doc.add_page_break()
        _caption(doc.add_paragraph(fill(report.appendix.title, pack)))
        _sheet(doc, pack.sheet(report.appendix.sheet), captions=True)
    doc.core_properties.title = f"{pack.division_name}{pack.year}年政府信息公开工作年度报告（草稿）"
    doc.core_properties.author = "政务公开数据管道"
    doc.save(path)


def _section(doc: DocumentObject, pack: PackData, template: ReportTemplate, section: SectionSpec) -> None:
    doc.add_heading(fill(section.heading, pack), level=1)
    for paragraph in section.paragraphs:
        if isinstance(paragraph, SheetParagraph):
            _sheet(doc, pack.sheet(paragraph.sheet), bool(paragraph.captions))
        elif paragraph.kind == "problems":
            _problems(doc, pack)
        else:
            _para(doc, paragraph_text(paragraph, pack, template))


def _problems(doc: DocumentObject, pack: PackData) -> None:
    _subheading(doc.add_paragraph("（一）本年度工作方案量化指标未达标情况（草稿）"))
    for line in targets_paragraphs(pack):
        _para(doc, line)
    _para(doc, late_tasks_sentence(pack))
    _subheading(doc.add_paragraph("（二）改进措施"))
    _para(doc, "（请针对上述问题补充改进措施。）")


# --- tables ------------------------------------------------------------------------------


def _sheet(doc: DocumentObject, sheet: StatSheet | None, captions: bool = False) -> None:
    """A sheet's tables; a caption over each when the sheet has several (a lone table sits
    under a section heading of its own words) or when ``captions`` asks for them."""
    if sheet is None:
        _para(doc, "（数据集市中没有本部分统计表。）")
        return
    for table in sheet.tables:
        if captions or len(sheet.tables) > 1:
            caption = doc.add_paragraph(table.title)
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption.paragraph_format.first_line_indent = Pt(0)
            _caption(caption, size=12)
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
    # A row's cells from the row itself: Table.cell() lays out the whole table's grid at every
    # call, which made a long table's rows cost the square of its size.
    for rec, row in zip(table.rows, t.rows[depth:], strict=True):
        cells = row.cells
        if table.show_codes:
            _cell_text(cells[0], rec.code, size - 1, align=WD_ALIGN_PARAGRAPH.CENTER)
        if rec.heading:
            _cell_text(cells[label_col].merge(cells[-1]), rec.label, size, bold=True)
            continue
        _cell_text(cells[label_col], "　" * rec.depth + rec.label, size)
        if table.show_units:
            _cell_text(cells[label_col + 1], rec.unit or "", size, align=WD_ALIGN_PARAGRAPH.CENTER)
        for j, col in enumerate(table.columns):
            value = rec.values.get(col.code)
            _cell_text(cells[n_stub + j], "" if value is None else num(value), size,
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


def _caption(p, size: float = 16) -> None:
    """A caption or attachment title: 黑体, bold, not indented."""
    p.paragraph_format.first_line_indent = None
    for run in p.runs:
        _font(run, HEADING_FONT, size, bold=True)


def _subheading(p) -> None:
    """A sub-heading within a section (（一）…): 楷体, not bold, indented like the body."""
    p.paragraph_format.first_line_indent = Pt(32)
    for run in p.runs:
        _font(run, SUBHEADING_FONT, 16, bold=False)


def _small(p, size: float) -> None:
    for run in p.runs:
        _font(run, BODY_FONT, size)


def _warn(p) -> None:
    for run in p.runs:
        _font(run, BODY_FONT, 12, bold=True, color=RGBColor(0xC0, 0, 0))

