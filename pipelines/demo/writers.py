"""The one xlsx writer and the one CSV writer of the demo, with the manifest bookkeeping.

Files are byte-for-byte reproducible: workbook properties and zip entry times are fixed,
and each file's modification time is set to when the unit would have sent it, so "the later
file" means the same thing to the pipeline on every run.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import date, datetime, timedelta, timezone

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from pipelines.demo.common import FIXED_TIMESTAMP, DemoContext, Table

_CHINA = timezone(timedelta(hours=8))


def write_file(
    ctx: DemoContext,
    source: str,
    filename: str,
    tables: list[Table],
    *,
    sent_at: datetime,
    encoding: str | None = None,
    rejected: str | None = None,
    superseded_rows: int = 0,
) -> str:
    """Write one raw file (``.xlsx`` or ``.csv`` by its suffix; ``filename`` may name a folder
    of the drop zone too) and record it in the manifest.

    ``rejected`` names why the pipeline must refuse the whole file; ``superseded_rows`` is how
    many of its rows a later file replaces. Returns the path relative to the data directory.
    """
    path = ctx.raw_dir / source / filename
    if path.exists():
        # Two years writing one name would silently drop a file the manifest still lists.
        raise FileExistsError(f"演示数据文件重名：{ctx.relative(path)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        path.write_bytes(_xlsx_bytes(tables))
        fmt = "xlsx"
    else:
        if len(tables) != 1 or encoding is None:
            raise ValueError("a CSV file holds exactly one table and needs an encoding")
        path.write_bytes(_csv_bytes(tables[0], encoding))
        fmt = "csv"
    stamp = sent_at.replace(tzinfo=_CHINA).timestamp()
    os.utime(path, (stamp, stamp))

    rel = ctx.relative(path)
    data_rows = sum(len(t.rows) for t in tables)
    bad_rows = 0
    for table in tables:
        sheet = table.sheet if fmt == "xlsx" else None
        for row, col, label, code, value in table.cell_defects:
            ctx.manifest["defects"].append(_defect(source, rel, sheet, row, col, label, code, value,
                                                   scope="file" if rejected else "row"))
        bad_rows += len({index for index, _, _ in table.defects})
        for index, column, code in table.defects:
            row = table.header_row + 1 + index
            col = table.columns.index(column) + 1
            ctx.manifest["defects"].append(
                _defect(source, rel, sheet, row, col, column, code, table.rows[index][column])
            )
    totals = ctx.totals(source)
    totals["files"] += 1
    totals["data_rows"] += data_rows
    if rejected:
        totals["rejected_file_rows"] += data_rows
        ctx.manifest["rejected_files"].append(
            {"source": source, "file": rel, "reason": rejected, "data_rows": data_rows}
        )
    else:
        totals["bad_rows"] += bad_rows
        totals["superseded_rows"] += superseded_rows
    ctx.manifest["files"].append({
        "source": source,
        "file": rel,
        "format": fmt,
        "encoding": encoding,
        "sheets": [{"name": t.sheet, "header_row": t.header_row, "data_rows": len(t.rows)}
                   for t in tables],
        "data_rows": data_rows,
        "sent_at": sent_at.isoformat(),
    })
    return rel


def _defect(source, rel, sheet, row, col, label, code, value, scope="row") -> dict:
    entry = {
        "source": source, "file": rel, "sheet": sheet, "row": row, "column": label,
        "cell": f"{get_column_letter(col)}{row}", "defect": code, "value": value,
    }
    if scope != "row":
        entry["scope"] = scope
    return entry


def _csv_bytes(table: Table, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table.grid():
        cells = []
        for value in row:
            if isinstance(value, date):
                raise TypeError("CSV cells must be text: format dates before writing")
            cells.append("" if value is None else str(value))
        writer.writerow(cells)
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes(tables: list[Table]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(table.sheet)
        widths: dict[int, int] = {}
        for r, row in enumerate(table.grid(), start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, date):
                    cell.number_format = table.date_format
                if r <= table.header_row + 30 and r > 1:
                    widths[c] = max(widths.get(c, 6), min(len(str(value)) * 2, 48))
        for merge in table.merges:
            ws.merge_cells(merge)
        for c, width in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = width
    wb.properties.creator = "中宁县人民政府办公室"
    wb.properties.last_modified_by = "中宁县人民政府办公室"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    # Zip entries carry the time they were written; restamp them so reruns are identical.
    fixed = io.BytesIO()
    stamp = FIXED_TIMESTAMP.timetuple()[:6]
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return fixed.getvalue()
