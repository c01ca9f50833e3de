"""Opening a raw file: an xlsx workbook or a CSV → grids of raw cells, one per sheet.

Everything about file formats lives here (which suffixes are read, how CSV text is decoded),
so a new format or a limit on what is opened is a change to this module alone. A file that
cannot be opened raises ``FileRejected``; the reader turns that into one quarantine record.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
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


# A CSV ledger can hold a million rows: it is read in blocks of this many lines, so memory
# follows the block, not the file.
CSV_BLOCK_ROWS = 50_000
_HEAD_ROWS = 200
_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Sheet:
    """A grid of raw cells; ``grid.index`` is the 1-based row number a person sees.

    ``rest`` streams the rows after ``grid`` in blocks (a large CSV); it is None when ``grid``
    holds the whole sheet.
    """

    name: str
    grid: pd.DataFrame
    rest: Iterator[pd.DataFrame] | None = None


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


def _scan_csv(path: Path) -> tuple[str, int]:
    """The file's encoding and its widest line's field count, in one streaming pass."""
    for encoding in _ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        widest, carry = 0, ""
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    text = carry + decoder.decode(block)
                    lines = text.split("\n")
                    carry = lines.pop()
                    widest = max([widest, *(line.count(",") for line in lines)])
                widest = max(widest, (carry + decoder.decode(b"", final=True)).count(","))
            return encoding, widest + 1
        except UnicodeDecodeError as exc:
            failure = exc
    # The text of a file is never kept to find a bad byte: the message names the offset.
    raise FileRejected(
        f"无法识别文件编码（既不是 UTF-8 也不是 GB18030/GBK），第 {failure.start} 字节附近出错")


def _csv_sheet(path: Path) -> Sheet:
    # Title rows are shorter than data rows; naming enough columns keeps the C parser from
    # rejecting the ragged file. Commas inside quotes only add empty columns.
    encoding, width = _scan_csv(path)
    reader = pd.read_csv(
        path, encoding=encoding, header=None, names=range(width), dtype=object, keep_default_na=False,
        skip_blank_lines=False, engine="c", chunksize=CSV_BLOCK_ROWS,
    )
    blocks = _numbered(reader)
    head = next(blocks, None)
    if head is None:
        head = pd.DataFrame(columns=range(width), dtype=object)
    if len(head) > _HEAD_ROWS:
        # The header and metadata are near the top; the rest streams block by block.
        first, tail = head.iloc[:_HEAD_ROWS], head.iloc[_HEAD_ROWS:]
        return Sheet("", first, _chain(tail, blocks))
    return Sheet("", head, None)


def _numbered(reader) -> Iterator[pd.DataFrame]:
    start = 1
    for block in reader:
        block.index = range(start, start + len(block))
        start += len(block)
        yield block


def _chain(first: pd.DataFrame, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    yield first
    yield from rest


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
        return [_csv_sheet(path)]
    raise FileRejected(f"不支持的文件类型“{path.suffix}”：请提交 .xlsx 或 .csv 文件")
