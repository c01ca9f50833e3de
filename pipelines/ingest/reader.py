"""The one reader core: any source file → typed rows, rejected rows and a file verdict.

Every source goes through the same steps, driven by its contract (``contracts.py``):
open the workbook or decode the CSV (UTF-8, then GB18030), find the header row, read the
metadata above it, normalise headers, dates, units, yes/no cells and vocabularies, and send
every row with a bad value to quarantine with its file, sheet, row, column and reason.
Values are normalised column by column (vectorised), not cell by cell in Python loops.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from pipelines.ingest.contracts import KIND_TYPES, Contract, Field, required_headers
from pipelines.plan.catalogue import parse_task_code
from pipelines.privacy import applicant_key
from pipelines.reference.names import normalize_text
from pipelines.reference.units import UnitRegistry

HEADER_SCAN_ROWS = 10
PREVIEW_CHARS = 40
QUARANTINE_COLUMNS = [
    "source", "division", "file", "sheet", "row_number", "column_name", "value_preview", "reason",
]
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# 2018年6月30日 / 2018-06-30 / 2018/6/30 / 2018.6.30, optionally followed by a time of day
# (CMS exports append one); 20180630 is handled separately.
_DATE_RE = re.compile(
    r"^(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^\d{4,5}(?:\.0+)?$")
_MONTH_RE = re.compile(r"^(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*月?(?:份)?$")
_YES = {"是", "Y", "YES", "√", "✓", "✔", "TRUE", "1"}
_NO = {"否", "N", "NO", "×", "FALSE", "0"}
_LIST_SPLIT = re.compile(r"[；;、,，]")


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
class ReadContext:
    """What a contract's values are checked against, for one division."""

    division: str
    registry: UnitRegistry
    secret: bytes
    vocabularies: dict[str, dict[str, str]] = field(default_factory=dict)


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


@dataclass
class Sheet:
    """A grid of raw cells; ``grid.index`` is the 1-based row number a person sees."""

    name: str
    grid: pd.DataFrame


def sha256_of(path: Path) -> str:
    """Content hash of a file (sensors and the ingest log key files by content, not mtime)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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


# ---------------------------------------------------------------------------------------
# Column normalisers: raw object Series → (normalised Series, reason Series or None=ok)
# ---------------------------------------------------------------------------------------


def _blank(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v is None or (isinstance(v, float) and pd.isna(v)) or (
        isinstance(v, str) and normalize_text(v) == ""))


def _as_text(series: pd.Series) -> pd.Series:
    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        text = str(v).strip().replace("\u3000", " ").strip()
        return text or None
    return series.map(one)


def normalize_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Every date style of the contract, a real Excel date cell, or an Excel serial number."""
    iso = pd.Series(pd.NA, index=series.index, dtype=object)
    is_dt = series.map(lambda v: isinstance(v, (date, datetime)))
    iso[is_dt] = series[is_dt].map(lambda v: v.strftime("%Y-%m-%d"))
    is_num = series.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
                        and not pd.isna(v))
    num = pd.to_numeric(series.where(is_num), errors="coerce")
    compact = is_num & (num >= 19000101) & (num <= 21001231)
    iso[compact] = num[compact].astype("int64").astype(str).str.replace(
        r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)
    serial = is_num & (num >= 1) & (num < 100000)
    iso[serial] = (_EXCEL_EPOCH + pd.to_timedelta(num[serial].astype("int64"), unit="D")
                   ).dt.strftime("%Y-%m-%d")
    text = series.map(lambda v: normalize_text(v) if isinstance(v, str) else None)
    is_text = text.notna() & (text != "")
    t = text[is_text]
    parts = t.str.extract(_DATE_RE.pattern.replace(r"\s*", ""))
    ok = parts[0].notna()
    iso[ok[ok].index] = (parts.loc[ok, 0] + "-" + parts.loc[ok, 1].str.zfill(2) + "-"
                         + parts.loc[ok, 2].str.zfill(2))
    rest = t[~ok]
    comp = rest.str.extract(_COMPACT_DATE_RE.pattern)
    cok = comp[0].notna()
    iso[cok[cok].index] = comp.loc[cok, 0] + "-" + comp.loc[cok, 1] + "-" + comp.loc[cok, 2]
    rest = rest[~cok]
    sok = rest.str.match(_SERIAL_RE.pattern)
    if sok.any():
        serial_text = pd.to_numeric(rest[sok], errors="coerce").astype("int64")
        iso[sok[sok].index] = (_EXCEL_EPOCH + pd.to_timedelta(serial_text, unit="D")
                               ).dt.strftime("%Y-%m-%d")
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    plausible = (parsed >= pd.Timestamp("2000-01-01")) & (parsed <= pd.Timestamp("2100-12-31"))
    values = parsed.where(plausible).dt.date.astype(object).where(parsed.notna() & plausible, None)
    blank = _blank(series)
    reason = pd.Series(None, index=series.index, dtype=object)
    bad = ~blank & values.isna()
    reason[bad] = "日期无法识别（可用格式：2018年6月30日、2018-06-30、2018/6/30、2018.6.30、20180630）"
    return values, reason


def normalize_months(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``2018年7月`` / ``2018-07`` / a date cell → ``2018-07``."""
    def one(v: object) -> str | None:
        if isinstance(v, (date, datetime)):
            return f"{v.year:04d}-{v.month:02d}"
        m = _MONTH_RE.match(normalize_text(v))
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{m.group(1)}-{int(m.group(2)):02d}"
        return None
    values = series.map(one)
    reason = pd.Series(None, index=series.index, dtype=object)
    reason[~_blank(series) & values.isna()] = "月份无法识别（应为 2018年7月 或 2018-07）"
    return values, reason


def _lookup(series: pd.Series, table: dict[str, str], what: str) -> tuple[pd.Series, pd.Series]:
    keys = series.map(normalize_text)
    values = keys.map(lambda k: table.get(k) if k else None)
    reason = pd.Series(None, index=series.index, dtype=object)
    bad = (keys != "") & values.isna()
    reason[bad] = what
    return values.astype(object).where(values.notna(), None), reason


def _vocab_table(f: Field, ctx: ReadContext) -> dict[str, str]:
    if isinstance(f.vocab, str):
        return ctx.vocabularies[f.vocab]
    table = {normalize_text(v): v for v in (f.vocab or ())}
    table.update({normalize_text(a): b for a, b in f.synonyms})
    return table


def normalize_column(series: pd.Series, f: Field, ctx: ReadContext) -> tuple[pd.Series, pd.Series]:
    """Normalise one column by its field kind; reasons are None where the value is fine."""
    none = pd.Series(None, index=series.index, dtype=object)
    if f.kind == "date":
        return normalize_dates(series)
    if f.kind == "month":
        return normalize_months(series)
    if f.kind in ("text", "pii"):
        return _as_text(series), none
    if f.kind == "unit":
        units = {normalize_text(s): ctx.registry.resolve(s) for s in series.dropna().unique()}
        return _lookup(series, {k: v for k, v in units.items() if v}, f"单位名称不在{ctx.division}单位名录中")
    if f.kind == "enum":
        allowed = "、".join(dict.fromkeys(_vocab_table(f, ctx).values()))
        return _lookup(series, _vocab_table(f, ctx), f"“{f.header}”应为：{allowed[:120]}")
    if f.kind == "task_code":
        values = series.map(parse_task_code)
        reason = none.copy()
        reason[~_blank(series) & values.isna()] = "任务编号无法识别（应为 1.1.3 或 一（一）3）"
        return values, reason
    if f.kind == "yesno":
        keys = series.map(lambda v: "TRUE" if v is True else "FALSE" if v is False
                          else normalize_text(v).upper())
        values = keys.map(lambda k: True if k in _YES else False if (k in _NO or k == "") else None)
        reason = none.copy()
        reason[values.isna()] = "是/否 栏应为 是、否、Y、N、√ 或留空"
        return values.astype(object), reason
    if f.kind in ("int", "number"):
        text = series.map(lambda v: v if isinstance(v, (int, float)) and not isinstance(v, bool)
                          else normalize_text(v).replace(",", "") or None)
        values = pd.to_numeric(text, errors="coerce")
        reason = none.copy()
        bad = text.notna() & values.isna()
        if f.kind == "int":
            bad |= values.notna() & (values % 1 != 0)
            values = values.round().astype("Int64")
        reason[bad] = f"“{f.header}”应为{'整数' if f.kind == 'int' else '数字'}（不带单位）"
        return values.astype(object).where(values.notna() & ~bad, None), reason
    if f.kind == "units_list":
        def split(v: object) -> tuple[list[str] | None, str | None]:
            names = [n for n in _LIST_SPLIT.split(normalize_text(v)) if n]
            resolved = [ctx.registry.resolve(n) for n in names]
            unknown = [n for n, r in zip(names, resolved, strict=True) if r is None]
            if unknown:
                return None, f"参加单位中有名录外单位：{'、'.join(unknown)[:40]}"
            return list(dict.fromkeys(resolved)), None
        pairs = series.map(split)
        return pairs.map(lambda p: p[0]), pairs.map(lambda p: p[1])
    raise AssertionError(f.kind)


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


def _read_sheet(sheet: Sheet, header_row: int, positions: dict[str, int], contract: Contract,
                ctx: ReadContext, meta: dict) -> tuple[pd.DataFrame, list[dict], int]:
    body = sheet.grid.loc[header_row + 1 :]
    raw_blank = body.map(lambda v: v is None or (isinstance(v, str) and v.strip() == "")
                         or (isinstance(v, float) and pd.isna(v)))
    body = body[~raw_blank.all(axis=1)]
    out = pd.DataFrame(index=body.index)
    first_reason = pd.Series(None, index=body.index, dtype=object)
    first_field: dict[int, Field] = {}
    all_required_blank: pd.Series | None = None
    for f in contract.fields:
        raw = (body[positions[f.name]] if f.name in positions
               else pd.Series(None, index=body.index, dtype=object))
        values, reason = normalize_column(raw, f, ctx)
        if f.required:
            missing = _blank(raw)
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
        sheets = load_sheets(path, contract.csv_allowed)
        found = [(s, find_header(s, contract)) for s in sheets]
        found = [(s, h) for s, h in found if h is not None]
        if not found:
            names = "、".join(f.header for f in required_headers(contract))
            raise FileRejected(f"前{HEADER_SCAN_ROWS}行内找不到表头（必需列：{names}）")
        frames, rejects, rows_read = [], [], 0
        for sheet, (header_row, positions) in found:
            meta = _parse_metadata(sheet, header_row, contract, ctx)
            result.metadata.update(meta)
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


def _parse_metadata(sheet: Sheet, header_row: int, contract: Contract,
                    ctx: ReadContext) -> dict[str, object]:
    raw = read_metadata(sheet, header_row, contract)
    meta: dict[str, object] = {}
    for f in contract.metadata:
        value, row_no = raw.get(f.name, (None, None))
        if value in (None, ""):
            if f.required:
                raise FileRejected(f"表头上方缺少“{f.header}”", sheet.name, row_no, f.header)
            meta[f.name] = None
            continue
        values, reason = normalize_column(pd.Series([value], dtype=object), f, ctx)
        if pd.notna(reason.iloc[0]):
            raise FileRejected(f"“{f.header}”的值“{_preview(value, f)}”有误：{reason.iloc[0]}",
                               sheet.name, row_no, f.header, _preview(value, f))
        meta[f.name] = values.iloc[0]
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
