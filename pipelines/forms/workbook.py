"""One unit's return form as an xlsx that comes back through the ordinary reader unchanged.

Sheet 进展报送表 is laid out exactly as raw-formats.md describes a return: a title row, the
metadata row (``报送单位：`` / ``报送期间：`` / ``报送日期：``, each label followed by its value
cell), a note, then the header ``序号 | 任务编号 | 任务内容 | 进展状态 | 完成日期 | 数量 |
佐证链接 | 进展说明`` and one row per task. Three columns after the header's eight tell the unit
the task's deadline, its kind and which return the pre-filled status comes from; the reader
ignores them. Validation comes from the contract (contracts.py): an enum field gets a
drop-down of its words, a date field a date check with an input message, a yes/no field a
是/否 drop-down, a number a check for numbers. The sheet is protected without a password:
structural cells are locked, the cells to fill are unlocked and shaded. Sheet 填报说明 holds
the rules; it has no header row, so the reader passes over it.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.forms.guide import DEADLINE_KINDS, FORM_NOTE, due_sentence, guide_lines
from pipelines.forms.model import FormsBatch, UnitForm
from pipelines.forms.periods import period_label
from pipelines.ingest.contracts import RETURNS, Field

FORM_SHEET, GUIDE_SHEET = "进展报送表", "填报说明"
# The header of raw-formats.md, then information columns the reader ignores.
HEADER = ["序号", "任务编号", "任务内容", "进展状态", "完成日期", "数量", "佐证链接", "进展说明"]
INFO_HEADER = ["完成时限", "时限类型", "上次报送"]
WIDTHS = [10, 10, 34, 12, 14, 8, 34, 30, 26, 18, 12]
TO_FILL = ("进展状态", "完成日期", "数量", "佐证链接", "进展说明")
TITLE_ROW, META_ROW, NOTE_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_ROW = HEADER_ROW + 1
SUBMITTED_CELL = "G2"
DATE_FORMAT = "yyyy-mm-dd"
# Excel serial numbers of 2000-01-01 and 2100-12-31: the contract's plausible dates.
DATE_RANGE = ("36526", "73415")

FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
OPEN = Protection(locked=False)


def validation_for(f: Field, what: str) -> DataValidation | None:
    """The Excel validation of one contract field: a drop-down, a date or a number check."""
    common = {"allow_blank": True, "showInputMessage": True, "showErrorMessage": True,
              "promptTitle": f.header[:32], "errorTitle": f.header[:32]}
    if f.kind == "enum" and isinstance(f.vocab, tuple):
        words = "、".join(f.vocab)
        return DataValidation(type="list", formula1='"' + ",".join(f.vocab) + '"',
                              prompt=f"从下拉列表中选择{what}", error=f"请从下拉列表中选择：{words}",
                              **common)
    if f.kind == "yesno":
        return DataValidation(type="list", formula1='"是,否"', prompt=f"选择“是”或“否”：{what}",
                              error="请选择“是”或“否”", **common)
    if f.kind == "date":
        return DataValidation(type="date", operator="between", formula1=DATE_RANGE[0],
                              formula2=DATE_RANGE[1], prompt=f"{what}，如 2018-07-15",
                              error="请填写日期，如 2018-07-15", **common)
    if f.kind in ("number", "int"):
        kind = "whole" if f.kind == "int" else "decimal"
        return DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0",
                              prompt=f"{what}，只填数字，不带单位", error="请填写数字（不带单位）", **common)
    return None


PROMPTS = {
    "进展状态": "本月末的进展状态（已按上次报送预填，有变化请修改）",
    "完成日期": "首次完成的日期（已完成、长期坚持时填写）",
    "数量": "本月完成的数量",
    "报送日期": "填写实际报送当天的日期（必填，未填写的按逾期处理）",
}


def _title_and_meta(ws: Worksheet, batch: FormsBatch, form: UnitForm) -> None:
    last = get_column_letter(len(HEADER) + len(INFO_HEADER))
    ws.cell(TITLE_ROW, 1, f"{batch.title}（{batch.period_label}）").font = Font(bold=True, size=14)
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center")
    for col, text in ((1, "报送单位："), (4, "报送期间："), (6, "报送日期：")):
        ws.cell(META_ROW, col, text).font = Font(bold=True)
        ws.cell(META_ROW, col).alignment = Alignment(horizontal="right")
    ws.cell(META_ROW, 2, form.unit)
    ws.merge_cells(start_row=META_ROW, start_column=2, end_row=META_ROW, end_column=3)
    ws.cell(META_ROW, 5, period_label(batch.period))
    submitted = ws[SUBMITTED_CELL]
    submitted.fill, submitted.protection, submitted.border = FILL, OPEN, BOX
    submitted.number_format = DATE_FORMAT
    ws.cell(NOTE_ROW, 1, FORM_NOTE + due_sentence(batch)).font = Font(color="C00000")
    ws.merge_cells(f"A{NOTE_ROW}:{last}{NOTE_ROW}")
    for col, text in enumerate(HEADER + INFO_HEADER, start=1):
        cell = ws.cell(HEADER_ROW, col, text)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _task_rows(ws: Worksheet, form: UnitForm) -> None:
    for i, row in enumerate(form.rows):
        r = FIRST_ROW + i
        last = f"{period_label(row.last_period)}" if row.last_period else "无记录"
        values = [i + 1, row.task_code, row.title, row.status, row.completed_on, None,
                  row.evidence_url, None, row.deadline_text or "—",
                  DEADLINE_KINDS.get(row.deadline_kind, row.deadline_kind), last]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col, value)
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=col in (3, 7, 8, 9))
            header = (HEADER + INFO_HEADER)[col - 1]
            if header in TO_FILL:
                cell.fill, cell.protection = FILL, OPEN
        ws.cell(r, 2).number_format = "@"  # 1.10 stays 1.10, never the number 1.1
        ws.cell(r, 5).number_format = DATE_FORMAT


def _validations(ws: Worksheet, rows: int) -> None:
    fields = {f.header: f for f in (*RETURNS.metadata, *RETURNS.fields)}
    last = FIRST_ROW + max(rows, 1) - 1
    for header in TO_FILL:
        dv = validation_for(fields[header], PROMPTS.get(header, fields[header].header))
        if dv is None:
            continue
        col = get_column_letter(HEADER.index(header) + 1)
        dv.add(f"{col}{FIRST_ROW}:{col}{last}")
        ws.add_data_validation(dv)
    dv = validation_for(fields["报送日期"], PROMPTS["报送日期"])
    dv.add(SUBMITTED_CELL)
    ws.add_data_validation(dv)


def _protect(ws: Worksheet) -> None:
    # No password: units may resize rows and columns; everything else locked stays put.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _form_sheet(ws: Worksheet, batch: FormsBatch, form: UnitForm) -> None:
    ws.title = FORM_SHEET
    _title_and_meta(ws, batch, form)
    _task_rows(ws, form)
    _validations(ws, len(form.rows))
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"D{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)


def _guide_sheet(ws: Worksheet, batch: FormsBatch, form: UnitForm) -> None:
    ws.title = GUIDE_SHEET
    title = ws.cell(1, 1, f"{batch.title}填报说明（{form.unit}，{batch.period_label}）")
    title.font = Font(bold=True, size=13)
    ws.merge_cells("A1:B1")
    for i, (heading, text) in enumerate(guide_lines(batch, form.unit), start=3):
        ws.cell(i, 1, heading).font = Font(bold=True)
        ws.cell(i, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(i, 1).alignment = Alignment(vertical="top")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    _protect(ws)


def write_form(batch: FormsBatch, form: UnitForm, path: Path) -> Path:
    """Write one unit's form to ``path``."""
    wb = Workbook()
    _form_sheet(wb.active, batch, form)
    _guide_sheet(wb.create_sheet(), batch, form)
    wb.active = 0
    wb.properties.title = f"{form.unit}{batch.period_label}进展报送表"
    wb.properties.creator = batch.office or "政务公开办"
    wb.save(path)
    return path
