"""``annual-report.xlsx``: the annual statistics tables laid out like the official template.

One sheet per sheet of the template (its ``sheets``: template 2008 one, 2019/2021 二、三、四),
each with its title, merged header cells, the row code and label columns, the measure-unit column
where the template has one, and plain values (no formulas, so every cell reads the same in
Excel, WPS and LibreOffice). Heading rows (no figures) are shown as section headings.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.pack.model import PackData, StatSheet, StatTable

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADING_FILL = PatternFill("solid", fgColor="F2F2F2")
LABEL_WIDTH_CAP = 62
INT_FORMAT = "0"
DECIMAL_FORMAT = "0.00##"


def display_width(text: object) -> int:
    """Width of text in Excel character units: a CJK or full-width character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def write_workbook(pack: PackData, path: Path) -> None:
    """Write the statistics tables of one division-year as ``annual-report.xlsx``."""
    wb = Workbook()
    wb.remove(wb.active)
    if not pack.sheets:
        ws = wb.create_sheet("说明")
        ws["A1"] = f"{pack.division_name}{pack.year}年度政府信息公开工作年度报告统计表"
        ws["A1"].font = Font(name=HEAD_FONT, size=14, bold=True)
        ws["A3"] = "数据集市中没有本年度的年度报告统计表（annual_report），请构建后重新生成。"
        ws["A3"].font = Font(name=BODY_FONT, size=11, color="C00000")
        ws.column_dimensions["A"].width = 90
    for sheet in pack.sheets:
        _write_sheet(wb.create_sheet(sheet.name), sheet, pack)
    wb.properties.title = f"{pack.division_name}{pack.year}年政府信息公开工作年度报告统计表"
    wb.properties.creator = "政务公开数据管道"
    wb.save(path)


def _stub_columns(table: StatTable) -> list[str]:
    cols = ["代码"] if table.show_codes else []
    cols.append(table.stub_title or "项目")
    if table.show_units:
        cols.append("单位")
    return cols


def _write_sheet(ws: Worksheet, sheet: StatSheet, pack: PackData) -> None:
    width = max(len(_stub_columns(t)) + len(t.columns) for t in sheet.tables)
    widths: dict[int, int] = {}
    title = f"{pack.division_name}{sheet.title}" if sheet.division_in_title else sheet.title
    _merged(ws, 1, 1, 1, width, f"{title}（{pack.year}年度）",
            Font(name=HEAD_FONT, size=16, bold=True), Alignment(horizontal="center", vertical="center"))
    ws.row_dimensions[1].height = 30
    _merged(ws, 2, 1, 2, width,
            f"填报单位：{pack.division_name}（{pack.division}）　　统计年度：{pack.year}年　　"
            f"数据截至：{pack.as_of.year}年{pack.as_of.month}月{pack.as_of.day}日",
            Font(name=BODY_FONT, size=10, color="595959"), Alignment(horizontal="right"))
    row = 4
    freeze = None
    for table in sheet.tables:
        if len(sheet.tables) > 1 or table.title != sheet.title:
            _merged(ws, row, 1, row, width, table.title, Font(name=HEAD_FONT, size=12, bold=True),
                    Alignment(horizontal="left", vertical="center"))
            row += 1
        row, first_body = _write_table(ws, table, row, widths)
        freeze = freeze or (first_body if len(sheet.tables) == 1 else None)
        row += 1
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w
    if freeze:
        ws.freeze_panes = ws.cell(row=freeze, column=1)
    ws.sheet_view.zoomScale = 100
    ws.page_setup.orientation = "landscape" if width > 5 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _write_table(ws: Worksheet, table: StatTable, top: int, widths: dict[int, int]) -> tuple[int, int]:
    """Write one table from row ``top``; return the next free row and the first body row."""
    stubs = _stub_columns(table)
    n_stub, depth = len(stubs), table.header_depth
    last_col = n_stub + len(table.columns)
    head_font = Font(name=HEAD_FONT, size=11, bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def fit(col: int, text: object, cap: int = 30) -> None:
        widths[col] = min(max(widths.get(col, 6), display_width(text) + 3), cap)

    label_col = 2 if table.show_codes else 1
    for i, text in enumerate(stubs, start=1):
        _merged(ws, top, i, top + depth - 1, i, text, head_font, center, HEADER_FILL, border=True)
        fit(i, text, cap=24 if i == label_col else 12)  # a long stub title wraps instead
    for level, j, rowspan, colspan, text in table.header_cells():
        col = n_stub + 1 + j
        _merged(ws, top + level, col, top + level + rowspan - 1, col + colspan - 1, text, head_font, center,
                HEADER_FILL, border=True)
        if colspan == 1:
            fit(col, text, cap=16)
    for level in range(depth):
        ws.row_dimensions[top + level].height = 30 if depth > 1 else 24
    body = top + depth

    if table.refused:
        _merged(ws, body, 1, body, last_col, table.refusal_text(),
                Font(name=BODY_FONT, size=11, bold=True, color="C00000"),
                Alignment(horizontal="left", vertical="center", wrap_text=True), border=True)
        ws.row_dimensions[body].height = 15 * (2 + display_width(table.refusal_text()) // 120)
        return body + 1, body

    r = body
    for rec in table.rows:
        if table.show_codes:
            c = ws.cell(row=r, column=1, value=rec.code)
            c.font, c.alignment, c.border = Font(name=BODY_FONT, size=10, color="595959"), center, BORDER
            fit(1, rec.code, cap=12)
        if rec.heading:
            _merged(ws, r, label_col, r, last_col, rec.label, Font(name=HEAD_FONT, size=11, bold=True),
                    Alignment(horizontal="left", vertical="center", wrap_text=True), HEADING_FILL,
                    border=True)
            if table.show_codes:
                ws.cell(row=r, column=1).fill = HEADING_FILL
        else:
            c = ws.cell(row=r, column=label_col, value=rec.label)
            c.font = Font(name=BODY_FONT, size=11)
            c.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=rec.depth)
            c.border = BORDER
            fit(label_col, rec.label + "  " * rec.depth, cap=LABEL_WIDTH_CAP)
            if table.show_units:
                c = ws.cell(row=r, column=label_col + 1, value=rec.unit)
                c.font, c.alignment, c.border = Font(name=BODY_FONT, size=11), center, BORDER
            for j, column in enumerate(table.columns):
                value = rec.values.get(column.code)
                c = ws.cell(row=r, column=n_stub + 1 + j, value=_cell_value(value))
                c.font = Font(name=BODY_FONT, size=11)
                c.alignment = Alignment(horizontal="right", vertical="center")
                c.border = BORDER
                if value is not None:
                    c.number_format = INT_FORMAT if float(value).is_integer() else DECIMAL_FORMAT
                    fit(n_stub + 1 + j, f"{value:g}", cap=16)
        r += 1
    return r, body


def _cell_value(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _merged(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, value: object, font: Font,
            alignment: Alignment, fill: PatternFill | None = None, border: bool = False) -> None:
    cell = ws.cell(row=r1, column=c1, value=value)
    cell.font, cell.alignment = font, alignment
    for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
        for c in row:
            if fill is not None:
                c.fill = fill
            if border:
                c.border = BORDER
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
