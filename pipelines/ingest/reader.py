"""The one reader core: any source file → typed rows, rejected rows and a file verdict.

Every source goes through the same steps, driven by its contract (``contracts.py``):
open the workbook or decode the CSV (``sheets.py``), find the header row on a visible sheet,
read the metadata above it, normalise every column (``normalise.py``), and send every row
with a bad value to quarantine with its file, sheet, row, column and reason. A file past a
limit (``GONGKAI_MAX_UNPACKED_MB``, the contract's row cap) is refused whole.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from pipelines.ingest.contracts import KIND_TYPES, Contract, Field, required_headers
from pipelines.ingest.normalise import ReadContext, is_blank, normalize_column
from pipelines.ingest.sheets import FileRejected, Sheet, load_sheets
from pipelines.privacy import applicant_key
from pipelines.reference.names import normalize_text
from pipelines.settings import LIMIT_VARIABLES

HEADER_SCAN_ROWS = 10
PREVIEW_CHARS = 40
QUARANTINE_COLUMNS = [
    "source", "division", "file", "sheet", "row_number", "column_name", "value_preview", "reason",
]


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


def _header_keys(f: Field) -> set[str]:
    return {normalize_text(h).rstrip(":") for h in (f.header, *f.header_aliases)}


def find_header(sheet: Sheet, contract: Contract) -> tuple[int, dict[str, int]] | None:
    """The header row (first within the first 10 holding every required header) and the
    column position of each field found on it."""
    needed = required_headers(contract)
    for row_no in sheet.grid.index[:HEADER_SCAN_ROWS]:
        cells = [normalize_text(v).rstrip(":") for v in sheet.grid.loc[row_no]]
        positions: dict[str, int] = {}
        for f in contract.fields:
            keys = _header_keys(f)
            pos = next((i for i, c in enumerate(cells) if c in keys), None)
            if pos is not None:
                positions[f.name] = pos
        if all(f.name in positions for f in needed):
            return row_no, positions
    return None


def read_metadata(sheet: Sheet, header_row: int, contract: Contract) -> dict[str, tuple[object, int]]:
    """``标签：值`` in one cell, several in one cell, or a label cell then a value cell;
    each value with the row it was found on."""
    if not contract.metadata:
        return {}
    labels = {normalize_text(f.header): f for f in contract.metadata}
    for f in contract.metadata:
        for alias in f.header_aliases:
            labels[normalize_text(alias)] = f
    found: dict[str, tuple[object, int]] = {}
    # One cell may carry several "标签：值" pairs separated by spaces.
    pair_re = re.compile(
        "(" + "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True)) + r"):"
    )
    for row_no in sheet.grid.index:
        if row_no >= header_row:
            break
        cells = list(sheet.grid.loc[row_no])
        for i, cell in enumerate(cells):
            if cell is None or cell == "":
                continue
            if isinstance(cell, str):
                text = normalize_text(cell)
                bare = text.rstrip(":")
                if bare in labels and (text == bare or text.endswith(":")):
                    value = next((c for c in cells[i + 1 :] if c not in (None, "")), None)
                    found.setdefault(labels[bare].name, (value, row_no))
                    continue
                parts = pair_re.split(text)
                # parts = [before, label1, value1, label2, value2, ...]
                for label, value in zip(parts[1::2], parts[2::2], strict=True):
                    if value:
                        found.setdefault(labels[label].name, (value, row_no))
    return found


def _preview(value: object, f: Field) -> str | None:
    if f.kind == "pii":
        return "（个人信息，不显示）"
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def empty_rows(contract: Contract) -> pd.DataFrame:
    """A zero-row frame with the staging columns of a contract."""
    cols = [f.name for f in contract.stored_fields()] + ["_sheet", "_row"]
    if contract.source == "requests":
        cols.append("applicant_key")
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def empty_rejects() -> pd.DataFrame:
    """A zero-row quarantine frame."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in QUARANTINE_COLUMNS})


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


def _read_sheet(sheet: Sheet, header_row: int, positions: dict[str, int], contract: Contract,
                ctx: ReadContext, meta: dict) -> tuple[pd.DataFrame, list[dict], int]:
    body = sheet.grid.loc[header_row + 1 :]
    raw_blank = body.map(lambda v: v is None or (isinstance(v, str) and v.strip() == "")
                         or (isinstance(v, float) and pd.isna(v)))
    body = body[~raw_blank.all(axis=1)]
    _check_row_limit(sheet, len(body), contract, ctx)
    out = pd.DataFrame(index=body.index)
    first_reason = pd.Series(None, index=body.index, dtype=object)
    first_field: dict[int, Field] = {}
    all_required_blank: pd.Series | None = None
    for f in contract.fields:
        raw = (body[positions[f.name]] if f.name in positions
               else pd.Series(None, index=body.index, dtype=object))
        values, reason = normalize_column(raw, f, ctx)
        if f.required:
            missing = is_blank(raw)
            reason = reason.where(~missing, f"必填项“{f.header}”为空")
            all_required_blank = missing if all_required_blank is None else all_required_blank & missing
        new = reason.notna() & first_reason.isna()
        for row_no in new[new].index:
            first_field[row_no] = f
        first_reason = first_reason.where(~new, reason)
        out[f.name] = values
    # A footer or remark line ("填表人：…", "备注") is not a data row; say so rather than
    # blaming its first empty column.
    if all_required_blank is not None:
        footer = all_required_blank & first_reason.notna()
        first_reason = first_reason.where(~footer, "非数据行（如落款、备注）：必填列均为空")
    rejects = [
        {
            "sheet": sheet.name,
            "row_number": int(row_no),
            "column_name": first_field[row_no].header,
            "value_preview": _preview(
                body.at[row_no, positions[first_field[row_no].name]]
                if first_field[row_no].name in positions else None, first_field[row_no]),
            "reason": first_reason[row_no],
        }
        for row_no in first_reason[first_reason.notna()].index
    ]
    good = out[first_reason.isna()].copy()
    if contract.source == "requests":
        good["applicant_key"] = [
            applicant_key(ctx.secret, i, n, p)
            for i, n, p in zip(good["applicant_id"], good["applicant_name"], good["applicant_phone"],
                               strict=True)
        ]
    for f in contract.fields:
        if f.kind == "pii":
            del good[f.name]
    for f in contract.metadata:
        good[f.name] = meta.get(f.name)
    good["_sheet"] = sheet.name
    good["_row"] = good.index.astype("int64")
    return good, rejects, len(body)


def read_file(path: Path, contract: Contract, ctx: ReadContext, display_name: str) -> FileResult:
    """Read one raw file; never raises for bad content: the verdict is in the result."""
    stat = path.stat()
    result = FileResult(
        source=contract.source, division=ctx.division, file=display_name,
        sha256=sha256_of(path), size=stat.st_size, mtime=stat.st_mtime,
        rows=empty_rows(contract), rejects=empty_rejects(),
    )
    try:
        sheets = load_sheets(path, contract.csv_allowed, ctx.limits)
        found = _sheets_with_header(sheets, contract)
        frames, rejects, rows_read = [], [], 0
        for sheet, (header_row, positions) in found:
            meta = _parse_metadata(sheet, header_row, contract, ctx, result.metadata)
            rows, bad, n = _read_sheet(sheet, header_row, positions, contract, ctx, meta)
            frames.append(rows)
            rejects += bad
            rows_read += n
        result.rows = pd.concat(frames, ignore_index=True) if frames else result.rows
        result.rows_read = rows_read
        if rejects:
            result.rejects = pd.DataFrame(rejects).assign(
                source=contract.source, division=ctx.division, file=display_name
            )[QUARANTINE_COLUMNS]
    except FileRejected as exc:
        result.error = str(exc)
        result.rows = empty_rows(contract)
        result.rejects = file_rejection(contract.source, ctx.division, display_name, exc)
    return result


def _sheets_with_header(sheets: list[Sheet], contract: Contract) -> list[tuple[Sheet, tuple]]:
    """The visible sheets holding the contract's header row, with the row and positions.

    Hidden sheets are not read: templates keep drop-down lists or last month's copy there,
    and what a unit hands in is what it sees. Data found only on a hidden sheet is refused
    with a reason that says so, rather than ignored.
    """
    found = [(s, find_header(s, contract)) for s in sheets if not s.hidden]
    found = [(s, h) for s, h in found if h is not None]
    if found:
        return found
    hidden = [s.name for s in sheets if s.hidden and find_header(s, contract) is not None]
    if hidden:
        raise FileRejected(f"数据在隐藏的工作表“{'、'.join(hidden)}”中，隐藏的工作表不读取：请取消隐藏"
                           "（右键点击工作表标签 → 取消隐藏）或把数据复制到可见的工作表后重新提交", hidden[0])
    names = "、".join(f.header for f in required_headers(contract))
    raise FileRejected(f"前{HEADER_SCAN_ROWS}行内找不到表头（必需列：{names}）")


def _parse_metadata(sheet: Sheet, header_row: int, contract: Contract, ctx: ReadContext,
                    found: dict[str, object]) -> dict[str, object]:
    """The metadata above the header; each good value also goes into ``found`` as it is read,
    so a file refused for a later bad value still says whose and which month it is (the
    reminder list puts the refusal against that unit)."""
    raw = read_metadata(sheet, header_row, contract)
    meta: dict[str, object] = {}
    for f in contract.metadata:
        value, row_no = raw.get(f.name, (None, None))
        if value in (None, ""):
            if f.required:
                raise FileRejected(f"表头上方缺少“{f.header}”", sheet.name, row_no, f.header)
            meta[f.name] = found[f.name] = None
            continue
        values, reason = normalize_column(pd.Series([value], dtype=object), f, ctx)
        if pd.notna(reason.iloc[0]):
            raise FileRejected(f"“{f.header}”的值“{_preview(value, f)}”有误：{reason.iloc[0]}",
                               sheet.name, row_no, f.header, _preview(value, f))
        meta[f.name] = found[f.name] = values.iloc[0]
    return meta


def file_rejection(source: str, division: str, display_name: str, exc: Exception) -> pd.DataFrame:
    """The one quarantine record of a file rejected whole (pointing at the cell to blame)."""
    return pd.DataFrame([{
        "source": source, "division": division, "file": display_name,
        "sheet": getattr(exc, "sheet", None), "row_number": getattr(exc, "row", None),
        "column_name": getattr(exc, "column", None), "value_preview": getattr(exc, "value", None),
        "reason": f"整个文件未导入：{exc}",
    }])[QUARANTINE_COLUMNS]


def staging_columns(contract: Contract) -> list[tuple[str, str]]:
    """(name, DuckDB type) of a source's staging table, in a fixed order."""
    cols = [(f.name, KIND_TYPES[f.kind]) for f in contract.stored_fields()]
    if contract.source == "requests":
        cols.append(("applicant_key", "VARCHAR"))
    return cols
