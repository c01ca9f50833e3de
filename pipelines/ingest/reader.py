"""The one reader core: any source file → typed rows, rejected rows and a file verdict.

Every source goes through the same steps, driven by its contract (``contracts.py``):
open the workbook or decode the CSV (``sheets.py``), find the header row on a visible sheet,
read the metadata above it, normalise every column (``normalise.py``), and send every row
with a bad value to quarantine with its file, sheet, row, column and reason. A file past a
limit (``GONGKAI_MAX_UNPACKED_MB``, the contract's row cap) is refused whole.

Many files are normalised together, a block at a time: one vectorised pass over all the
month's returns rather than one per file, and a bounded block for a large ledger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.ingest.contracts import Contract
from pipelines.ingest.header import read_metadata, sheets_with_header
from pipelines.ingest.normalise import ReadContext, is_blank, normalize_column, resolve_on_dates
from pipelines.ingest.records import QUARANTINE_COLUMNS, empty_rejects, empty_rows, file_rejection, preview
from pipelines.ingest.sheets import FileRejected, Sheet, load_sheets
from pipelines.privacy import applicant_key
from pipelines.settings import LIMIT_VARIABLES


@dataclass
class FileResult:
    """What one raw file yielded."""

    source: str
    division: str
    file: str
    sha256: str
    size: int
    mtime: float
    rows: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int = 0
    error: str | None = None
    metadata: dict = field(default_factory=dict)


def sha256_of(path: Path) -> str:
    """Content hash of a file (sensors and the ingest log key files by content, not mtime)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class SourceFile:
    """One raw file to read: where it is and the name records point at."""

    path: Path
    display: str


@dataclass
class _Piece:
    """Data rows of one sheet of one file (or one block of a large CSV), cells still raw."""

    file_no: int
    sheet: str
    body: pd.DataFrame  # columns: field names; index: the row numbers a person sees


@dataclass
class _Opened:
    """A file opened: its metadata cells and where its rows come from."""

    file_no: int
    raw_meta: dict[str, tuple[object, int | None, str]]
    pieces: Iterator[_Piece]
    rows: int  # rows held in memory now (a streamed CSV holds only its first block)


# Files are normalised together, a block of about this many rows at a time: one vectorised
# pass over many small returns instead of one per file (a return is ~20 rows), and a bounded
# block for a large ledger.
BLOCK_ROWS = 50_000


def _check_row_limit(sheet: Sheet, rows: int, contract: Contract, ctx: ReadContext) -> None:
    """Refuse a file with more data rows than its contract allows (a runaway template)."""
    if contract.max_rows_limit is None:
        return
    limit = getattr(ctx.limits, contract.max_rows_limit)
    if rows > limit:
        name = LIMIT_VARIABLES[contract.max_rows_limit]
        raise FileRejected(
            f"工作表“{sheet.name}”表头以下有 {rows} 行，超过每份{contract.label}最多 {limit} 行的上限"
            f"（环境变量 {name}）：请删除多余的行（如误粘贴的其他表格）后重新提交；"
            f"确需报送更多行，请管理员调高 {name}", sheet.name)


def _data_rows(block: pd.DataFrame) -> pd.DataFrame:
    # Whole-array tests: a cell-by-cell map cost more than the parse of the file itself.
    cells = block.to_numpy(dtype=object)
    blank = pd.isna(cells) | (np.char.strip(cells.astype(str)) == "")
    return block[~blank.all(axis=1)]


def _body(sheet: Sheet, header_row: int, positions: dict[str, int], contract: Contract,
          ctx: ReadContext, file_no: int) -> Iterator[_Piece]:
    first = _data_rows(sheet.grid.loc[header_row + 1:])
    # A whole workbook sheet is in memory: it is refused before any of it is read.
    _check_row_limit(sheet, len(first), contract, ctx)
    blocks = iter([first]) if sheet.rest is None else _chain([first], (_data_rows(b) for b in sheet.rest))
    seen = 0
    for block in blocks:
        seen += len(block)
        _check_row_limit(sheet, seen, contract, ctx)
        body = pd.DataFrame({f.name: (block[positions[f.name]] if f.name in positions
                                      else pd.Series(None, index=block.index, dtype=object))
                             for f in contract.fields}, index=block.index)
        yield _Piece(file_no, sheet.name, body)


def _chain(first: list[pd.DataFrame], rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    yield from first
    yield from rest


def _open(source: SourceFile, file_no: int, contract: Contract, ctx: ReadContext) -> _Opened:
    sheets = load_sheets(source.path, contract.csv_allowed, ctx.limits)
    found = sheets_with_header(sheets, contract)
    raw_meta: dict[str, tuple[object, int | None, str]] = {}
    for sheet, (header_row, _) in found:
        for name, (value, row_no) in read_metadata(sheet, header_row, contract).items():
            raw_meta.setdefault(name, (value, row_no, sheet.name))
    pieces = (piece for sheet, (header_row, positions) in found
              for piece in _body(sheet, header_row, positions, contract, ctx, file_no))
    return _Opened(file_no, raw_meta, pieces, sum(len(s.grid) for s, _ in found))


def _metadata(opened: list[_Opened], contract: Contract, ctx: ReadContext
              ) -> tuple[dict[int, dict], dict[int, FileRejected]]:
    """Every file's metadata values normalised together; files with a missing or bad
    required value are rejected whole, pointing at the cell."""
    meta: dict[int, dict] = {o.file_no: {} for o in opened}
    rejected: dict[int, FileRejected] = {}
    for f in contract.metadata:
        present = [o for o in opened if o.raw_meta.get(f.name, (None,))[0] not in (None, "")]
        for o in opened:
            if o not in present:
                if f.required and o.file_no not in rejected:
                    _, row_no, sheet = o.raw_meta.get(f.name, (None, None, None))
                    rejected[o.file_no] = FileRejected(f"表头上方缺少“{f.header}”", sheet, row_no, f.header)
                meta[o.file_no][f.name] = None
        if not present:
            continue
        raw = pd.Series([o.raw_meta[f.name][0] for o in present], dtype=object)
        values, reasons = normalize_column(raw, f, ctx)
        for o, value, reason, cell in zip(present, values, reasons, raw, strict=True):
            if pd.notna(reason):
                if o.file_no not in rejected:
                    _, row_no, sheet = o.raw_meta[f.name]
                    shown = preview(cell, f)
                    rejected[o.file_no] = FileRejected(f"“{f.header}”的值“{shown}”有误：{reason}",
                                                       sheet, row_no, f.header, shown)
            else:
                # Kept even for a file refused for another value: the reminder list still
                # knows whose return, for which month, was refused.
                meta[o.file_no][f.name] = value
    for f in contract.metadata:
        if f.dated_by:
            _date_metadata(opened, f, contract, meta, rejected, ctx)
    return meta, rejected


def _date_metadata(opened: list[_Opened], f, contract: Contract, meta: dict[int, dict],
                   rejected: dict[int, FileRejected], ctx: ReadContext) -> None:
    """A file's unit (a return's 报送单位) resolved again on the file's own date (its 报送期间):
    an old name after its change, or a new one before it, refuses the file naming the change."""
    present = [o for o in opened if o.file_no not in rejected and meta[o.file_no].get(f.name)]
    if not present:
        return
    raw = pd.Series([o.raw_meta[f.name][0] for o in present], dtype=object)
    when = pd.Series([meta[o.file_no].get(f.dated_by) for o in present], dtype=object)
    values, reasons = resolve_on_dates(raw, when, f, ctx)
    for o, value, reason, cell in zip(present, values, reasons, raw, strict=True):
        if pd.isna(reason):
            meta[o.file_no][f.name] = value
            continue
        _, row_no, sheet = o.raw_meta[f.name]
        shown = preview(cell, f)
        rejected[o.file_no] = FileRejected(f"“{f.header}”的值“{shown}”有误：{reason}",
                                           sheet, row_no, f.header, shown)


def _normalise(pieces: list[_Piece], meta: dict[int, dict], contract: Contract, ctx: ReadContext
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Rows of many files normalised in one pass: (good rows, rejected rows, rows per file)."""
    body = pd.concat([p.body.assign(_file_no=p.file_no, _sheet=p.sheet, _row=p.body.index)
                      for p in pieces], ignore_index=True)
    read_per_file = body["_file_no"].value_counts()
    out = pd.DataFrame(index=body.index)
    first_reason = pd.Series(None, index=body.index, dtype=object)
    first_field = pd.Series(None, index=body.index, dtype=object)
    all_required_blank: pd.Series | None = None
    normalised = {f.name: normalize_column(body[f.name], f, ctx) for f in contract.fields}
    for f in contract.fields:
        if f.dated_by:
            # A unit's name counts on the row's own date (its dates are normalised by now).
            normalised[f.name] = resolve_on_dates(body[f.name], normalised[f.dated_by][0], f, ctx)
    for f in contract.fields:
        raw = body[f.name]
        values, reason = normalised[f.name]
        if f.required:
            missing = is_blank(raw)
            reason = reason.where(~missing, f"必填项“{f.header}”为空")
            all_required_blank = missing if all_required_blank is None else all_required_blank & missing
        new = reason.notna() & first_reason.isna()
        first_field = first_field.where(~new, f.name)
        first_reason = first_reason.where(~new, reason)
        out[f.name] = values
    # A footer or remark line ("填表人：…", "备注") is not a data row; say so rather than
    # blaming its first empty column.
    if all_required_blank is not None:
        footer = all_required_blank & first_reason.notna()
        first_reason = first_reason.where(~footer, "非数据行（如落款、备注）：必填列均为空")
    fields = {f.name: f for f in contract.fields}
    bad = first_reason.notna()
    rejects = pd.DataFrame({
        "_file_no": body.loc[bad, "_file_no"],
        "sheet": body.loc[bad, "_sheet"],
        "row_number": body.loc[bad, "_row"].astype("int64"),
        "column_name": [fields[n].header for n in first_field[bad]],
        "value_preview": [preview(body.at[i, n], fields[n]) for i, n in first_field[bad].items()],
        "reason": first_reason[bad],
    })
    good = out[~bad].copy()
    if contract.source == "requests":
        good["applicant_key"] = [
            applicant_key(ctx.secret, i, n, p)
            for i, n, p in zip(good["applicant_id"], good["applicant_name"], good["applicant_phone"],
                               strict=True)
        ]
    for f in contract.fields:
        if f.kind == "pii":
            del good[f.name]
    files = body.loc[~bad, "_file_no"]
    for f in contract.metadata:
        good[f.name] = [meta[n].get(f.name) for n in files]
    good["_file_no"] = files
    good["_sheet"] = body.loc[~bad, "_sheet"]
    good["_row"] = body.loc[~bad, "_row"].astype("int64")
    return good, rejects, read_per_file


@dataclass
class FileVerdict:
    """What one file yielded in all, once every block of it has been read."""

    source: SourceFile
    rows_read: int = 0
    error: str | None = None
    metadata: dict = field(default_factory=dict)
    rejection: pd.DataFrame | None = None


# Receives a block of typed rows and of rejected rows (sheet, row_number, column_name,
# value_preview, reason), each with ``_file_no``: the index of its file in the list read.
Sink = Callable[[pd.DataFrame, pd.DataFrame], None]


def read_files(files: list[SourceFile], contract: Contract, ctx: ReadContext, sink: Sink,
               block_rows: int = BLOCK_ROWS) -> list[FileVerdict]:
    """Read many files of one source; ``sink(rows, rejects)`` receives the typed rows and the
    rejected rows, block by block (``_file_no`` says whose).

    Never raises for bad content: a file that cannot be used gets an ``error`` and one
    quarantine record (``rejection``) in its verdict. A large CSV that turns unreadable after
    its first blocks has had rows sunk already: the caller drops the rows of every file whose
    verdict carries an error.
    """
    verdicts = [FileVerdict(f) for f in files]
    gathered = _Gathered(contract, ctx, files, verdicts, sink, block_rows)
    window: list[_Opened] = []
    window_rows = 0
    for file_no, source in enumerate(files):
        try:
            opened = _open(source, file_no, contract, ctx)
        except (OSError, FileRejected) as exc:
            _reject(verdicts[file_no], exc, contract, ctx)
            continue
        window.append(opened)
        window_rows += opened.rows
        # Files are opened a window at a time, so memory follows the window, not the folder.
        if window_rows >= block_rows:
            gathered.take(window)
            window, window_rows = [], 0
    gathered.take(window)
    gathered.flush()
    return verdicts


class _Gathered:
    """Rows of several files waiting to be normalised together in one block."""

    def __init__(self, contract: Contract, ctx: ReadContext, files: list[SourceFile],
                 verdicts: list[FileVerdict], sink: Sink, block_rows: int) -> None:
        self.contract, self.ctx, self.files, self.verdicts = contract, ctx, files, verdicts
        self.sink, self.block_rows = sink, block_rows
        self.pieces: list[_Piece] = []
        self.rows = 0
        self.meta: dict[int, dict] = {}

    def take(self, window: list[_Opened]) -> None:
        """Normalise the window's metadata, then gather its rows block by block."""
        file_meta, rejected = _metadata(window, self.contract, self.ctx)
        for file_no, exc in rejected.items():
            _reject(self.verdicts[file_no], exc, self.contract, self.ctx, file_meta[file_no])
        for o in window:
            if o.file_no in rejected:
                continue
            self.meta[o.file_no] = self.verdicts[o.file_no].metadata = file_meta[o.file_no]
            try:
                for piece in o.pieces:
                    self.pieces.append(piece)
                    self.rows += len(piece.body)
                    if self.rows >= self.block_rows:
                        self.flush()
            except (OSError, FileRejected, ValueError) as exc:
                self.pieces = [p for p in self.pieces if p.file_no != o.file_no]
                self.rows = sum(len(p.body) for p in self.pieces)
                why = exc if isinstance(exc, FileRejected) else FileRejected(f"文件后半部分无法读取：{exc}")
                _reject(self.verdicts[o.file_no], why, self.contract, self.ctx, file_meta[o.file_no])

    def flush(self) -> None:
        """Normalise what is gathered and hand the block to the sink."""
        if not self.pieces:
            return
        good, bad, read = _normalise(self.pieces, self.meta, self.contract, self.ctx)
        for file_no, n in read.items():
            self.verdicts[int(file_no)].rows_read += int(n)
        if len(good) or len(bad):
            self.sink(good.reset_index(drop=True), bad.reset_index(drop=True))
        self.pieces, self.rows = [], 0


def _reject(verdict: FileVerdict, exc: Exception, contract: Contract, ctx: ReadContext,
            metadata: dict | None = None) -> None:
    verdict.error = str(exc)
    verdict.rows_read = 0
    verdict.metadata = metadata or {}
    verdict.rejection = file_rejection(contract.source, ctx.division, verdict.source.display, exc)


def read_file(path: Path, contract: Contract, ctx: ReadContext, display_name: str) -> FileResult:
    """Read one raw file whole (small files, tests); never raises for bad content."""
    stat = path.stat()
    rows, rejects = [], []
    [verdict] = read_files([SourceFile(path, display_name)], contract, ctx,
                           lambda r, q: (rows.append(r.drop(columns="_file_no")),
                                         rejects.append(q.drop(columns="_file_no"))))
    result = FileResult(
        source=contract.source, division=ctx.division, file=display_name, sha256=sha256_of(path),
        size=stat.st_size, mtime=stat.st_mtime,
        rows=pd.concat(rows, ignore_index=True) if rows else empty_rows(contract),
        rejects=(pd.concat(rejects, ignore_index=True).assign(
            source=contract.source, division=ctx.division, file=display_name)[QUARANTINE_COLUMNS]
            if rejects else empty_rejects()),
        rows_read=verdict.rows_read, error=verdict.error, metadata=verdict.metadata,
    )
    if verdict.rejection is not None:
        result.rows, result.rejects = empty_rows(contract), verdict.rejection
    return result
