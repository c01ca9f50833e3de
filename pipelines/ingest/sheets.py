"""Opening a raw file: an xlsx workbook or a CSV → grids of raw cells, one per sheet.

Everything about file formats lives here (which suffixes are read, how CSV text is decoded),
so a new format or a limit on what is opened is a change to this module alone. A file that
cannot be opened raises ``FileRejected``; the reader turns that into one quarantine record.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook


class FileRejected(Exception):
    """The whole file cannot be used; the message says why, in Chinese.

    Where one cell is to blame (a bad 报送单位 above the header), its place is kept so the
    quarantine record points at it.
    """

    def __init__(self, message: str, sheet: str | None = None, row: int | None = None,
                 column: str | None = None, value: str | None = None) -> None:
        super().__init__(message)
        self.sheet, self.row, self.column, self.value = sheet, row, column, value


@dataclass
class Sheet:
    """A grid of raw cells; ``grid.index`` is the 1-based row number a person sees."""

    name: str
    grid: pd.DataFrame


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, as Chinese office systems export."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            f"无法识别文件编码（既不是 UTF-8 也不是 GB18030/GBK），第 {exc.start} 字节处出错"
        ) from exc


def load_sheets(path: Path, csv_allowed: bool) -> list[Sheet]:
    """Every sheet of an xlsx, or the one table of a CSV, as raw cell grids."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx" or suffix == ".xlsm":
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            sheets = []
            for name in workbook.sheet_names:
                rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                grid = pd.DataFrame(rows, dtype=object)
                grid.index = range(1, len(grid) + 1)
                sheets.append(Sheet(name, grid))
            return sheets
        except Exception as exc:  # calamine raises several unrelated types for a bad file
            raise FileRejected(
                f"无法打开 Excel 文件（文件损坏或不是 xlsx 格式）：{type(exc).__name__}"
            ) from exc
    if suffix == ".csv":
        if not csv_allowed:
            raise FileRejected("此类报表只接受 .xlsx 文件，不接受 CSV")
        text = decode_text(path.read_bytes())
        # Title rows are shorter than data rows; naming enough columns keeps the C parser
        # from rejecting the ragged file. Commas inside quotes only add empty columns.
        width = max((line.count(",") for line in text.splitlines()), default=0) + 1
        grid = pd.read_csv(
            StringIO(text), header=None, names=range(width), dtype=object,
            keep_default_na=False, skip_blank_lines=False, engine="c",
        )
        grid.index = range(1, len(grid) + 1)
        return [Sheet("", grid)]
    raise FileRejected(f"不支持的文件类型“{path.suffix}”：请提交 .xlsx 或 .csv 文件")
