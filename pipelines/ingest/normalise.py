"""Column normalisers: one raw column of cells → typed values and, per cell, why it is bad.

Each takes the raw object Series of one column and returns ``(values, reasons)``, reasons being
None where the value is fine. Values are normalised column by column (vectorised), not cell
by cell in Python loops. ``normalize_column`` picks the normaliser by the field's kind.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from pipelines.ingest.contracts import Field
from pipelines.plan.catalogue import parse_task_code
from pipelines.reference.names import normalize_text
from pipelines.reference.units import UnitRegistry
from pipelines.settings import Limits, load_limits

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# 2018年6月30日 / 2018-06-30 / 2018/6/30 / 2018.6.30, optionally followed by a time of day
# (CMS exports append one); 20180630 is handled separately.
_DATE_RE = re.compile(
    r"^(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^\d{4,5}(?:\.0+)?$")
# Excel serial numbers of 2000-01-01 and 2100-01-01: a bare number in this range is a date.
_SERIAL_MONTHS = (36526, 73051)
_MONTH_RE = re.compile(r"^(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*月?(?:份)?$")
_YES = {"是", "Y", "YES", "√", "✓", "✔", "TRUE", "1"}
_NO = {"否", "N", "NO", "×", "FALSE", "0"}
_LIST_SPLIT = re.compile(r"[；;、,，]")


@dataclass
class ReadContext:
    """What a contract's values are checked against, for one division."""

    division: str
    registry: UnitRegistry
    secret: bytes
    vocabularies: dict[str, dict[str, str]] = field(default_factory=dict)
    # Sizes past which a file is refused whole (GONGKAI_MAX_UNPACKED_MB, GONGKAI_MAX_RETURN_ROWS).
    limits: Limits = field(default_factory=load_limits)


def is_blank(series: pd.Series) -> pd.Series:
    """Cells with nothing in them: None, NaN, or only white space once normalised."""
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
    blank = is_blank(series)
    reason = pd.Series(None, index=series.index, dtype=object)
    bad = ~blank & values.isna()
    reason[bad] = "日期无法识别（可用格式：2018年6月30日、2018-06-30、2018/6/30、2018.6.30、20180630）"
    return values, reason


def normalize_months(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``2018年7月`` / ``2018-07`` / a date cell (or its bare serial number) → ``2018-07``."""
    def one(v: object) -> str | None:
        if isinstance(v, (date, datetime)):
            return f"{v.year:04d}-{v.month:02d}"
        if (isinstance(v, (int, float)) and not isinstance(v, bool)
                and _SERIAL_MONTHS[0] <= v < _SERIAL_MONTHS[1]):
            # a month typed as a date whose cell lost its date style: an Excel serial number
            day = _EXCEL_EPOCH + pd.Timedelta(days=int(v))
            return f"{day.year:04d}-{day.month:02d}"
        m = _MONTH_RE.match(normalize_text(v))
        if m and 1 <= int(m.group(2)) <= 12:
            return f"{m.group(1)}-{int(m.group(2)):02d}"
        return None
    values = series.map(one)
    reason = pd.Series(None, index=series.index, dtype=object)
    reason[~is_blank(series) & values.isna()] = "月份无法识别（应为 2018年7月 或 2018-07）"
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
    if f.kind in ("unit", "units_list"):
        # Without the row's date yet: a spelling that named one unit only (the reader then
        # resolves it again on the row's date, resolve_on_dates).
        return resolve_on_dates(series, pd.Series(None, index=series.index, dtype=object), f, ctx)
    if f.kind == "enum":
        allowed = "、".join(dict.fromkeys(_vocab_table(f, ctx).values()))
        return _lookup(series, _vocab_table(f, ctx), f"“{f.header}”应为：{allowed[:120]}")
    if f.kind == "task_code":
        values = series.map(parse_task_code)
        reason = none.copy()
        reason[~is_blank(series) & values.isna()] = "任务编号无法识别（应为 1.1.3 或 一（一）3）"
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
    raise AssertionError(f.kind)


def _span(value: object) -> tuple[date | None, date | None]:
    """The days a row's date stands for: a day, a return's month (``2019-04``) or a year."""
    if value is None or (not isinstance(value, (str, date)) and pd.isna(value)):
        return None, None
    if isinstance(value, date):
        return value, value
    if isinstance(value, str):
        year, month = int(value[:4]), int(value[5:7])
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    return date(int(value), 1, 1), date(int(value), 12, 31)


def resolve_on_dates(series: pd.Series, when: pd.Series, f: Field, ctx: ReadContext
                     ) -> tuple[pd.Series, pd.Series]:
    """Unit names (``unit``) or lists of them (``units_list``) resolved on each row's own date
    (``when``: dates, ``YYYY-MM`` months or years; None where the row has none). A name not in
    force on that date is refused with a reason naming the change (UnitRegistry.resolve_during)."""
    text = _as_text(series)
    keys = pd.Series(list(zip(text, when.map(_span), strict=True)), index=series.index, dtype=object)
    resolved: dict[tuple, tuple[object, str | None]] = {}
    for key in keys.unique():
        name, (start, end) = key
        if name is None:
            resolved[key] = (None, None)
        elif f.kind == "unit":
            r = ctx.registry.resolve_during(name, start, end)
            resolved[key] = (r.unit, r.reason)
        else:
            names = [n for n in _LIST_SPLIT.split(normalize_text(name)) if n]
            parts = [ctx.registry.resolve_during(n, start, end) for n in names]
            unknown = [n for n, r in zip(names, parts, strict=True)
                       if r.reason and r.reason.startswith("单位名称不在")]
            bad = [r.reason for r in parts if r.reason]
            resolved[key] = ((None, f"参加单位中有名录外单位：{'、'.join(unknown)[:40]}") if unknown
                             else (None, f"参加单位：{bad[0]}") if bad
                             else (list(dict.fromkeys(r.unit for r in parts)), None))
    values = keys.map(lambda k: resolved[k][0]).astype(object)
    return values.where(values.notna(), None), keys.map(lambda k: resolved[k][1]).astype(object)
