"""The reminder list as the clerk prints it: ``marts/reports/<division>/reminders/<period>.xlsx``.

Sheet 催报清单 has one row per unit to call (情况 and the reason to read out); sheet
未识别的退回文件 lists return files refused before their unit could be read, when there are any.
The file is written beside its final place and moved in with one rename.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.atomic import replace_file
from pipelines.db import SqlFolder
from pipelines.forms.build import open_published
from pipelines.forms.periods import date_label, period_label
from pipelines.forms.reminders import reminder_list, unidentified_files
from pipelines.settings import Settings

SQL = SqlFolder(__file__)
REPORTS_DIR, REMINDERS_DIR = "reports", "reminders"
LIST_SHEET, UNIDENTIFIED_SHEET = "催报清单", "未识别的退回文件"
COLUMNS = [("序号", 6), ("单位", 24), ("情况", 10), ("截止日期", 14), ("报送日期", 14),
           ("原因（电话告知）", 70), ("涉及文件", 40)]
UNIDENTIFIED = [("序号", 6), ("文件", 50), ("收到日期", 14), ("未能导入的原因", 80)]
NOBODY = "全部单位均已按时报送，且报送表全部导入，本月无需催报。"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")


@dataclass
class ReminderResult:
    """What one run of the reminder list found and wrote."""

    division: str
    period: str
    path: Path
    reminders: pd.DataFrame
    unidentified: pd.DataFrame = field(default_factory=pd.DataFrame)


def reminders_path(settings: Settings, division: str, period: str) -> Path:
    """``marts/reports/<division>/reminders/<period>.xlsx``."""
    return settings.marts_dir / REPORTS_DIR / division / REMINDERS_DIR / f"{period}.xlsx"


def _table(ws: Worksheet, columns: list[tuple[str, int]], rows: list[list[object]]) -> None:
    ws.append([name for name, _ in columns])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _title(ws: Worksheet, text: str, note: str, width: int) -> None:
    ws.append([text])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([note])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def write_workbook(result: ReminderResult, division_name: str, path: Path) -> Path:
    """Write the reminder list of ``result`` to ``path``."""
    label = period_label(result.period)
    frame = result.reminders
    counts = "，".join(f"{word} {n} 个"
                      for word, n in frame["problem_label"].value_counts(sort=False).items())
    wb = Workbook()
    ws = wb.active
    ws.title = LIST_SHEET
    _title(ws, f"{division_name}{label}政务公开工作进展报送催报清单",
           f"应报送单位中需要催报 {len(frame)} 个" + (f"（{counts}）" if counts else "") + "。",
           len(COLUMNS))
    rows = [[i, r.unit, r.problem_label, date_label(r.due_on), date_label(r.submitted_on), r.reason,
             r.file or ""] for i, r in enumerate(frame.itertuples(index=False), start=1)]
    _table(ws, COLUMNS, rows or [["", NOBODY, "", "", "", "", ""]])
    ws.print_title_rows = "3:3"
    if len(result.unidentified):
        extra = wb.create_sheet(UNIDENTIFIED_SHEET)
        _title(extra, f"{label}报送期间收到、未能识别报送单位的退回文件",
               "这些文件未能打开或读出报送单位，请按文件名联系报送单位重新提交。", len(UNIDENTIFIED))
        _table(extra, UNIDENTIFIED, [[i, r.file, date_label(r.received_on), r.reason] for i, r in
                                     enumerate(result.unidentified.itertuples(index=False), start=1)])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        wb.save(tmp)
        replace_file(tmp, path)
    finally:
        if tmp.exists():
            os.unlink(tmp)
    return path


def write_reminders(settings: Settings, division: str, period: str) -> ReminderResult:
    """Read the published marts and write the reminder list of ``division`` for ``period``."""
    con = open_published(settings)
    try:
        frame = reminder_list(con, division, period)
        unidentified = unidentified_files(con, division, period)
        row = SQL.run(con, "division_name", {"division": division}).fetchone()
    finally:
        con.close()
    result = ReminderResult(division, period, reminders_path(settings, division, period), frame,
                            unidentified)
    write_workbook(result, row[0] if row else division, result.path)
    return result
