"""Opening a raw file: a workbook (xlsx, xls, ods) or a CSV → grids of raw cells, one per sheet.

Everything about file formats lives here (which suffixes are read, how CSV text is decoded,
what a file may weigh), so a new format or a limit on what is opened is a change to this
module alone. A file that cannot be opened raises ``FileRejected``; the reader turns that into
one quarantine record whose reason tells the unit how to save the file instead.

Workbooks are read by calamine, which reads what office suites write and openpyxl does not
(shared strings, rich-text runs, dates stored as numbers with a date style, the cached value
of a formula, merged title cells, ``.xls`` and ``.ods``). Before calamine opens a zipped
workbook its unpacked size is checked, declared and actual, so a zip bomb is refused without
being inflated. Hidden sheets are not read (raw-formats.md).
"""

from __future__ import annotations

import codecs
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

from pipelines.settings import LIMIT_VARIABLES, Limits, load_limits

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# The streams an encrypted Office Open XML file holds inside its compound-file wrapper.
ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
SAVE_AS_XLSX = ("请用 WPS 或 Excel 打开该文件，选择“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”，"
                "保存后重新提交")
PASSWORD_PROTECTED = (
    "文件设有打开密码，无法读取：请打开文件后取消密码（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，"
    "清空密码；WPS：文件 → 文档加密 → 密码加密，清空打开密码），另存为 .xlsx 后重新提交"
)
_COPY_INTO_SHEET = "请把表格复制到 WPS 表格或 Excel 中，另存为 .xlsx 后重新提交"
# Formats units send that cannot be read, what they are, and what to do instead.
REFUSED_SUFFIXES = {
    ".et": f"文件是 WPS 表格专用格式（.et），无法读取：{SAVE_AS_XLSX}",
    ".ett": f"文件是 WPS 表格模板（.ett），无法读取：{SAVE_AS_XLSX}",
    ".wps": f"文件是 WPS 文字文档（.wps），不是表格：{_COPY_INTO_SHEET}",
    ".doc": f"文件是 Word 文档，不是表格：{_COPY_INTO_SHEET}",
    ".docx": f"文件是 Word 文档，不是表格：{_COPY_INTO_SHEET}",
    ".xlsb": f"文件是 Excel 二进制工作簿（.xlsb），无法读取：{SAVE_AS_XLSX}",
    ".numbers": "文件是 Numbers 表格，无法读取：请在 Numbers 中选择“文件 → 导出为 → Excel”后重新提交",
    ".pdf": "文件是 PDF，无法读取其中的表格：请提交原始的 Excel 表格（.xlsx）",
}
_CHUNK = 1 << 20


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
    hidden: bool = False
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


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _too_big(what: str, limits: Limits) -> FileRejected:
    name = LIMIT_VARIABLES["max_unpacked_mb"]
    return FileRejected(
        f"{what}，超过上限 {limits.max_unpacked_mb} MB（环境变量 {name}）：文件中可能有大量空白格式行、"
        "图片或误粘贴的内容，请删除多余内容（或只把数据复制到新工作簿）后另存为 .xlsx 重新提交；"
        f"确属正常的大文件，请管理员调高 {name}")


def _inflated_size(path: Path, info: zipfile.ZipInfo, budget: int) -> int:
    """Bytes one entry really inflates to, counted up to ``budget + 1`` without keeping them.

    The central directory's sizes can lie; this reads the entry's compressed bytes straight
    from the file and inflates them in bounded chunks.
    """
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise FileRejected(f"无法打开 Excel 文件：压缩方式 {info.compress_type} 不受支持。{SAVE_AS_XLSX}")
    with path.open("rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
        if local[:4] != ZIP_MAGIC:
            raise FileRejected("无法打开 Excel 文件（文件损坏或不是 xlsx 格式）：压缩包结构有误")
        name_len, extra_len = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        left, total = info.compress_size, 0
        while left > 0 and total <= budget:
            chunk = fh.read(min(_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            data = inflater.decompress(chunk, _CHUNK)
            while True:
                total += len(data)
                if total > budget or not inflater.unconsumed_tail:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        if total <= budget:
            total += len(inflater.flush())
        return total


def check_unpacked_size(path: Path, limits: Limits) -> None:
    """Refuse a zipped workbook (xlsx, ods) whose parts unpack past the limit, declared or actual."""
    budget = limits.max_unpacked_bytes
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            declared = sum(i.file_size for i in entries)
            if declared > budget:
                raise _too_big(f"文件解压后有 {_megabytes(declared)}", limits)
            actual = 0
            for info in entries:
                actual += _inflated_size(path, info, budget - actual)
                if actual > budget:
                    raise _too_big("文件解压后的实际大小（与文件中登记的大小不符）", limits)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise FileRejected(f"无法打开 Excel 文件（文件损坏或不是 xlsx 格式）：{type(exc).__name__}") from exc


def _is_encrypted_package(path: Path) -> bool:
    """An Office Open XML file with an opening password: a compound file holding the
    ``EncryptionInfo`` and ``EncryptedPackage`` streams instead of a zip."""
    tail = b""
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            block = tail + chunk
            if any(name in block for name in ENCRYPTED_STREAMS):
                return True
            tail = block[-64:]
    return False


def _open_workbook(path: Path, limits: Limits) -> CalamineWorkbook:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(ZIP_MAGIC):
        check_unpacked_size(path, limits)
    elif magic == OLE2_MAGIC:
        if path.stat().st_size > limits.max_unpacked_bytes:
            raise _too_big(f"文件大小为 {_megabytes(path.stat().st_size)}", limits)
        if _is_encrypted_package(path):
            raise FileRejected(PASSWORD_PROTECTED)
    else:
        raise FileRejected(f"无法打开 Excel 文件（文件损坏，或并非 {path.suffix} 格式）。{SAVE_AS_XLSX}")
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise FileRejected(PASSWORD_PROTECTED) from exc
    except Exception:
        # The name may lie (an .xls renamed .xlsx): read by content before giving up.
        with path.open("rb") as fh:
            return CalamineWorkbook.from_filelike(fh)


def _workbook_sheets(path: Path, limits: Limits) -> list[Sheet]:
    try:
        workbook = _open_workbook(path, limits)
        sheets = []
        for meta in workbook.sheets_metadata:
            rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            grid = pd.DataFrame(rows, dtype=object)
            grid.index = range(1, len(grid) + 1)
            sheets.append(Sheet(meta.name, grid, hidden=meta.visible != SheetVisibleEnum.Visible))
        return sheets
    except FileRejected:
        raise
    except PasswordError as exc:
        raise FileRejected(PASSWORD_PROTECTED) from exc
    except Exception as exc:  # calamine raises several unrelated types for a bad file
        raise FileRejected(
            f"无法打开 Excel 文件（文件损坏或格式不符）：{type(exc).__name__}。{SAVE_AS_XLSX}"
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
        return Sheet("", first, rest=_chain(tail, blocks))
    return Sheet("", head)


def _numbered(reader) -> Iterator[pd.DataFrame]:
    start = 1
    for block in reader:
        block.index = range(start, start + len(block))
        start += len(block)
        yield block


def _chain(first: pd.DataFrame, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    yield first
    yield from rest


def load_sheets(path: Path, csv_allowed: bool, limits: Limits | None = None) -> list[Sheet]:
    """Every sheet of a workbook (hidden ones flagged), or the one table of a CSV, as raw
    cell grids; ``limits`` default to the environment's (``GONGKAI_MAX_UNPACKED_MB``)."""
    limits = limits or load_limits()
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return _workbook_sheets(path, limits)
    if suffix == ".csv":
        if not csv_allowed:
            raise FileRejected("此类报表只接受 .xlsx 文件（也可以是 .xls、.ods），不接受 CSV")
        return [_csv_sheet(path)]
    if suffix in REFUSED_SUFFIXES:
        raise FileRejected(REFUSED_SUFFIXES[suffix])
    accepted = "、".join([*WORKBOOK_SUFFIXES, *((".csv",) if csv_allowed else ())])
    raise FileRejected(f"不支持的文件类型“{path.suffix}”：请提交 {accepted} 文件。{SAVE_AS_XLSX}")
