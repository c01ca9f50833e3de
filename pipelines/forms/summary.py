"""The office's one-page summary of a period's forms: which unit got which form (报送表发放清单)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pipelines.forms.guide import due_sentence
from pipelines.forms.model import FormsBatch

COLUMNS = [("序号", 6), ("单位", 26), ("类别", 8), ("任务数", 8), ("其中牵头", 9),
           ("已预填状态", 11), ("尚无报送记录", 12), ("报送表文件", 34)]
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def summary_rows(batch: FormsBatch) -> list[list[object]]:
    """One row per form, as the summary lists them."""
    return [[i, f.unit, f.kind, len(f.rows), sum(r.lead for r in f.rows), f.carried,
             len(f.rows) - f.carried, f.file_name] for i, f in enumerate(batch.forms, start=1)]


def write_summary(batch: FormsBatch, path: Path) -> Path:
    """Write the summary to ``path``: a title, the due day, one row per unit, totals; one page."""
    wb = Workbook()
    ws = wb.active
    ws.title = "发放清单"
    ws.append([f"{batch.division_name}{batch.period_label}政务公开工作进展报送表发放清单"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.append([f"共 {len(batch.forms)} 个单位、{sum(len(f.rows) for f in batch.forms)} 项任务。"
               + due_sentence(batch) + f"依据：《{batch.plan_title}》。"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[2].height = 32
    ws.append([name for name, _ in COLUMNS])
    for cell in ws[3]:
        cell.font, cell.border = Font(bold=True), BOX
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for row in summary_rows(batch):
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.border = BOX
    total = ["合计", "", "", *(sum(r[i] for r in summary_rows(batch)) for i in (3, 4, 5, 6)), ""]
    ws.append(total)
    for cell in ws[ws.max_row]:
        cell.font, cell.border = Font(bold=True), BOX
    for i, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(path)
    return path
