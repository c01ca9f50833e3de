"""Annual-report templates as data: ``reference/templates/<template>.json`` plus the 办理结果 words.

A template file lists its tables; each table its columns, rows and identities; each data cell
says where it comes from with a small declarative ``source``::

    {"from": "requests", "year_by": "answered_on", "where": {"channel": ["网络", "电子邮件"]},
     "measure": "count"}

- ``from``: a source of ``SOURCES`` (a mart, or ``disclosure_channels`` for per-channel counts);
- ``year_by``: which date puts a record in the report year (``open_at_start`` / ``open_at_end``
  are requests still unanswered on 1 January / 31 December);
- ``where``: attribute → word, list of words (any of), or ``{"not_in": [...]}``; booleans as
  ``true``/``false``. Words are checked against the input vocabularies, so a typo fails loudly;
- ``outcome: "row"``: requests whose 办理结果 maps (``templates/outcomes.csv``) to this row or
  any row below it;
- ``measure``: ``count`` (distinct records, the default) or a numeric attribute summed
  (``fee_yuan``, ``people``, ``value``), times ``scale``.

A row's ``source`` is combined with its column's (table 三: the row picks the requests, the
column the applicant type); ``cells`` gives a row one source per column instead, ``null`` for
a cell no input holds. Rows marked ``header`` carry no figure. A new template is a new file
and its words in ``outcomes.csv``, not new code. The SQL that evaluates the sources is in
``sql/annual_records.sql`` (the attributes below are its columns).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from pipelines.ingest.contracts import (
    ACTIVITY_TYPES,
    APPEAL_KINDS,
    APPEAL_RESULTS,
    APPLICANT_TYPES,
    CATEGORIES,
    CHANNELS,
    FACT_NAMES,
    REQUEST_CHANNELS,
    SUIT_ROUTES,
)
from pipelines.reference.load import read_csv_rows
from pipelines.reference.store import ReferenceStore

BOOLEAN = ("true", "false")
OUTCOME_WORDS = "outcome"  # vocabulary resolved per template from outcomes.csv


@dataclass(frozen=True)
class SourceKind:
    """What a template may say about one source: dates, filterable attributes, summable numbers."""

    name: str
    lineage: str
    label: str
    year_by: tuple[str, ...]
    attrs: dict[str, tuple[str, ...] | str]
    measures: tuple[str, ...] = ()
    default_measure: str = "count"


SOURCES: dict[str, SourceKind] = {
    s.name: s
    for s in (
        SourceKind("requests", "requests", "依申请公开台账",
                   ("received_on", "answered_on", "open_at_start", "open_at_end"),
                   {"channel": REQUEST_CHANNELS, "applicant_type": APPLICANT_TYPES,
                    "outcome": OUTCOME_WORDS, "answered_by_due": BOOLEAN, "extended": BOOLEAN},
                   ("fee_yuan",)),
        SourceKind("disclosures", "disclosures", "主动公开信息台账（按条）", ("published_on",),
                   {"category": CATEGORIES, "normative": BOOLEAN}),
        SourceKind("disclosure_channels", "disclosures", "主动公开信息台账（按渠道）", ("published_on",),
                   {"category": CATEGORIES, "normative": BOOLEAN, "channel": CHANNELS}),
        SourceKind("activities", "activities", "工作活动台账", ("activity_date",),
                   {"activity_type": ACTIVITY_TYPES, "head_attended": BOOLEAN}, ("people",)),
        SourceKind("appeals", "appeals", "行政复议、行政诉讼台账", ("received_on",),
                   {"kind": APPEAL_KINDS, "suit_route": SUIT_ROUTES, "result": APPEAL_RESULTS}),
        SourceKind("facts", "facts", "年度填报指标", ("year",), {"indicator": FACT_NAMES},
                   ("value",), default_measure="value"),
    )
}
SOURCE_KEYS = {"from", "year_by", "where", "measure", "scale", "outcome"}


class TemplateError(ValueError):
    """A template file (or its outcome words) is inconsistent; the message lists every problem."""


@dataclass(frozen=True)
class Condition:
    """Record attribute ``attr`` is (``negate``: is not) one of ``values``."""

    attr: str
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class Source:
    """A resolved cell source: which records, placed in the year by which date, measured how."""

    source: str
    year_by: str
    measure: str
    scale: float
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Column:
    """A column of a table (``group``: the spanning header above it, if any)."""

    code: str
    label: str
    group: str | None
    unit: str | None
    order: int


@dataclass(frozen=True)
class Row:
    """A row of a table; ``parent`` is the row it is printed under."""

    code: str
    label: str
    unit: str | None
    parent: str | None
    header: bool
    order: int
    level: int
    note: str | None


@dataclass(frozen=True)
class Cell:
    """One cell: ``kind`` is ``header``, ``data`` (with a source) or ``no_source``."""

    row_code: str
    col_code: str
    kind: str
    source: Source | None
    measure_unit: str | None
    note: str | None


@dataclass(frozen=True)
class Identity:
    """``sum(lhs) op sum(rhs)``; ``over`` rows (checked in every column) or columns (every row)."""

    over: str
    lhs: tuple[str, ...]
    op: str
    rhs: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One statistics table of a template."""

    code: str
    title: str
    short_title: str
    section: str | None
    row_header: str | None
    column_header: str | None
    order: int
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    cells: tuple[Cell, ...]
    identities: tuple[Identity, ...]

    def row(self, code: str) -> Row | None:
        """The row with this code, or None."""
        return next((r for r in self.rows if r.code == code), None)

    def column(self, code: str) -> Column | None:
        """The column with this code, or None."""
        return next((c for c in self.columns if c.code == code), None)


@dataclass(frozen=True)
class ReportTemplate:
    """A template and the report years it is in force for (``templates.csv``)."""

    template: str
    name: str
    basis: str | None
    first_year: int | None
    last_year: int | None
    tables: tuple[Table, ...]
    path: str = ""

    def table(self, code: str) -> Table | None:
        """The table with this code, or None."""
        return next((t for t in self.tables if t.code == code), None)

    def covers(self, year: int) -> bool:
        """Whether the template is in force for report year ``year``."""
        return (self.first_year or 0) <= year <= (self.last_year or 9999)


@dataclass
class _Problems:
    where: str
    items: list[str] = field(default_factory=list)

    def add(self, context: str, message: str) -> None:
        self.items.append(f"{self.where} {context}：{message}" if context else f"{self.where}：{message}")


def _words(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(("true" if v else "false") if isinstance(v, bool) else str(v) for v in items)


def _merge(parts: list[dict], problems: _Problems, context: str) -> dict | None:
    """Combine row and column source fragments; a key set twice to different values is an error."""
    merged: dict = {}
    where: dict = {}
    for part in parts:
        unknown = set(part) - SOURCE_KEYS
        if unknown:
            problems.add(context, f"数据来源含未知键 {'、'.join(sorted(unknown))}")
        for key, value in part.items():
            if key == "where":
                if not isinstance(value, dict):
                    problems.add(context, "where 应为“属性: 取值”的对象")
                    continue
                for attr, cond in value.items():
                    if attr in where and where[attr] != cond:
                        problems.add(context, f"行与列对属性 {attr} 的筛选条件冲突")
                    where[attr] = cond
            elif key in merged and merged[key] != value:
                problems.add(context, f"行与列的数据来源 {key} 冲突（{merged[key]} / {value}）")
            else:
                merged[key] = value
    if not merged and not where:
        return None
    merged["where"] = where
    return merged


def _resolve_source(spec: dict, outcome_words: tuple[str, ...], problems: _Problems,
                    context: str, vocab_outcomes: set[str]) -> Source | None:
    kind = SOURCES.get(spec.get("from"))
    if kind is None:
        problems.add(context, f"数据来源 from 应为 {'、'.join(SOURCES)} 之一，实为 {spec.get('from')!r}")
        return None
    year_by = spec.get("year_by") or (kind.year_by[0] if len(kind.year_by) == 1 else None)
    if year_by not in kind.year_by:
        problems.add(context, f"{kind.name} 的 year_by 应为 {'、'.join(kind.year_by)} 之一，实为 {year_by!r}")
        return None
    measure = spec.get("measure", kind.default_measure)
    if measure != "count" and measure not in kind.measures:
        allowed = "、".join(("count", *kind.measures))
        problems.add(context, f"{kind.name} 的 measure 应为 {allowed} 之一，实为 {measure!r}")
    scale = spec.get("scale", 1)
    if not isinstance(scale, int | float) or isinstance(scale, bool):
        problems.add(context, f"scale 应为数字，实为 {scale!r}")
        scale = 1
    conditions = []
    for attr, cond in spec.get("where", {}).items():
        vocab = kind.attrs.get(attr)
        if vocab is None:
            problems.add(context, f"{kind.name} 没有可筛选的属性 {attr}（可用：{'、'.join(kind.attrs)}）")
            continue
        negate = isinstance(cond, dict)
        if negate and set(cond) != {"not_in"}:
            problems.add(context, f"属性 {attr} 的条件只能是取值、取值列表或 {{\"not_in\": [...]}}")
            continue
        values = _words(cond["not_in"] if negate else cond)
        allowed = vocab_outcomes if vocab == OUTCOME_WORDS else set(vocab)
        bad = [v for v in values if v not in allowed]
        if bad:
            problems.add(context, f"属性 {attr} 的取值 {'、'.join(bad)} 不在词表中"
                                  f"（{'、'.join(sorted(allowed))}）")
        conditions.append(Condition(attr, values, negate))
    if spec.get("outcome") is not None:
        if spec["outcome"] != "row" or kind.name != "requests":
            problems.add(context, "outcome 只能用于 requests，且取值为 \"row\"")
        elif not outcome_words:
            problems.add(context, "templates/outcomes.csv 中没有映射到本行（或其下级行）的办理结果用语")
        else:
            conditions.append(Condition("outcome", outcome_words))
    return Source(kind.name, year_by, measure, float(scale), tuple(conditions))


def _levels(rows: list[dict], problems: _Problems, context: str) -> dict[str, int]:
    parents = {r["code"]: r.get("parent") for r in rows}
    levels: dict[str, int] = {}
    for code in parents:
        depth, seen, cur = 0, {code}, parents[code]
        while cur is not None:
            if cur not in parents:
                problems.add(f"{context} 第 {code} 行", f"上级行 {cur} 不存在")
                break
            if cur in seen:
                problems.add(f"{context} 第 {code} 行", "上级行关系成环")
                break
            seen.add(cur)
            depth += 1
            cur = parents[cur]
        levels[code] = depth
    return levels


def _descendants(rows: list[dict]) -> dict[str, set[str]]:
    children: dict[str, list[str]] = {}
    for r in rows:
        if r.get("parent"):
            children.setdefault(r["parent"], []).append(r["code"])
    result: dict[str, set[str]] = {}
    for r in rows:
        stack, found = [r["code"]], set()
        while stack:
            cur = stack.pop()
            if cur in found:
                continue
            found.add(cur)
            stack.extend(children.get(cur, []))
        result[r["code"]] = found
    return result


def _table(raw: dict, order: int, outcomes: list[dict], problems: _Problems) -> Table | None:
    code = raw.get("table_code")
    context = f"表 {code}"
    for key in ("table_code", "title", "columns", "rows"):
        if not raw.get(key):
            problems.add(context, f"缺少 {key}")
    if not raw.get("columns") or not raw.get("rows"):
        return None
    raw_rows, raw_cols = raw["rows"], raw["columns"]
    for kind, items in (("行", raw_rows), ("列", raw_cols)):
        codes = [i.get("code") for i in items]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes or None in codes:
            problems.add(context, f"{kind}编码缺失或重复：{'、'.join(map(str, dupes)) or '（空）'}")
    levels = _levels(raw_rows, problems, context)
    below = _descendants(raw_rows)
    words_by_row: dict[str, list[str]] = {}
    for o in outcomes:
        words_by_row.setdefault(o["row_code"], []).append(o["outcome"])
    known_rows = {r["code"] for r in raw_rows}
    for row_code in words_by_row:
        if row_code not in known_rows:
            problems.add(context, f"templates/outcomes.csv 把办理结果映射到不存在的行 {row_code}")
    vocab_outcomes = {o["outcome"] for o in outcomes}

    columns = tuple(Column(c["code"], c.get("label", ""), c.get("group"), c.get("unit"), i)
                    for i, c in enumerate(raw_cols))
    rows, cells = [], []
    for i, r in enumerate(raw_rows):
        header = bool(r.get("header"))
        rows.append(Row(r["code"], r.get("label", ""), r.get("unit"), r.get("parent"), header, i,
                        levels.get(r["code"], 0), r.get("note")))
        if not r.get("label"):
            problems.add(f"{context} 第 {r['code']} 行", "缺少 label")
        if header and (r.get("source") or r.get("cells")):
            problems.add(f"{context} 第 {r['code']} 行", "表头行不能有数据来源")
        if r.get("cells") is not None and r.get("source") is not None:
            problems.add(f"{context} 第 {r['code']} 行", "source 与 cells 只能二选一")
        unknown_cols = set(r.get("cells") or {}) - {c.code for c in columns}
        if unknown_cols:
            problems.add(f"{context} 第 {r['code']} 行",
                         f"cells 引用了不存在的列 {'、'.join(sorted(unknown_cols))}")
        words = tuple(w for code_below in sorted(below.get(r["code"], ()))
                      for w in words_by_row.get(code_below, []))
        for c, raw_col in zip(columns, raw_cols, strict=True):
            cell_context = f"{context} 第 {r['code']} 行 {c.code} 列"
            unit = c.unit or r.get("unit")
            if header:
                cells.append(Cell(r["code"], c.code, "header", None, None, None))
                continue
            if r.get("cells") is not None:
                spec = r["cells"].get(c.code)
                spec = _merge([spec], problems, cell_context) if spec else None
            else:
                spec = _merge([p for p in (r.get("source"), raw_col.get("source")) if p],
                              problems, cell_context)
            if spec is None:
                cells.append(Cell(r["code"], c.code, "no_source", None, unit,
                                  r.get("note") or "无数据来源：台账与年度填报指标均未采集此项"))
                continue
            source = _resolve_source(spec, words, problems, cell_context, vocab_outcomes)
            cells.append(Cell(r["code"], c.code, "data", source, unit, r.get("note")))

    identities = []
    for n, ident in enumerate(raw.get("identities", []), start=1):
        over, op = ident.get("over", "rows"), ident.get("op", "=")
        lhs, rhs = tuple(ident.get("lhs", ())), tuple(ident.get("rhs", ()))
        known = known_rows if over == "rows" else {c.code for c in columns}
        if over not in ("rows", "columns") or op not in ("=", ">=") or not lhs or not rhs:
            problems.add(f"{context} 勾稽关系 {n}",
                         "over 应为 rows/columns，op 应为 = 或 >=，lhs、rhs 不能为空")
            continue
        missing = [x for x in (*lhs, *rhs) if x not in known]
        if missing:
            kind = "行" if over == "rows" else "列"
            problems.add(f"{context} 勾稽关系 {n}", f"引用了不存在的{kind} {'、'.join(missing)}")
        headers = {r.code for r in rows if r.header}
        if over == "rows" and headers & {*lhs, *rhs}:
            problems.add(f"{context} 勾稽关系 {n}", "不能引用表头行")
        identities.append(Identity(over, lhs, op, rhs))
    return Table(code, raw.get("title", ""), raw.get("short_title") or raw.get("title", ""),
                 raw.get("section"), raw.get("row_header"), raw.get("column_header"), order, columns,
                 tuple(rows), tuple(cells), tuple(identities))


def parse_template(raw: dict, outcomes: list[dict], where: str = "模板",
                   first_year: int | None = None, last_year: int | None = None) -> ReportTemplate:
    """Validate one template's JSON (already parsed) with its outcome words; raise TemplateError."""
    problems = _Problems(where)
    template = str(raw.get("template", ""))
    if not template:
        problems.add("", "缺少 template")
    raw_tables = raw.get("tables") or []
    if not raw_tables:
        problems.add("", "缺少 tables")
    codes = [t.get("table_code") for t in raw_tables]
    if len(set(codes)) != len(codes):
        problems.add("", "表编码重复")
    tables = []
    for i, raw_table in enumerate(raw_tables):
        mine = [o for o in outcomes if (o.get("table_code") or raw_table.get("table_code")) ==
                raw_table.get("table_code") and _uses_outcomes(raw_table)]
        table = _table(raw_table, i, mine, problems)
        if table is not None:
            tables.append(table)
    tables_with_outcomes = [t.get("table_code") for t in raw_tables if _uses_outcomes(t)]
    for o in outcomes:
        if (o.get("table_code") or "") not in ("", *tables_with_outcomes):
            problems.add("", f"templates/outcomes.csv 中“{o['outcome']}”映射到的表 {o['table_code']} "
                             "不存在或没有按办理结果分行")
    if outcomes and len(tables_with_outcomes) != 1 and any(not o.get("table_code") for o in outcomes):
        problems.add("", "templates/outcomes.csv 未写 table_code，且模板中按办理结果分行的表不止一张")
    if problems.items:
        raise TemplateError("年报模板有误：\n" + "\n".join(problems.items))
    return ReportTemplate(template, raw.get("name", template), raw.get("basis"), first_year, last_year,
                          tuple(tables), where)


def _uses_outcomes(raw_table: dict) -> bool:
    return any((r.get("source") or {}).get("outcome") for r in raw_table.get("rows", []))


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def load_templates(store: ReferenceStore) -> dict[str, ReportTemplate]:
    """Every template of ``templates/templates.csv``, validated, keyed by template id."""
    index = read_csv_rows(store.require("templates/templates.csv"))
    outcomes = read_csv_rows(store.require("templates/outcomes.csv"))
    templates: dict[str, ReportTemplate] = {}
    problems: list[str] = []
    for entry in index:
        tid = entry["template"]
        relative = f"templates/{tid}.json"
        path = store.find(relative)
        if path is None:
            problems.append(f"templates/templates.csv 列出的模板 {tid} 没有模板文件 {relative}")
            continue
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(f"{relative} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）")
            continue
        if str(raw.get("template")) != tid:
            problems.append(f"{relative} 的 template 应为 {tid}，实为 {raw.get('template')!r}")
            continue
        try:
            templates[tid] = parse_template(
                raw, [o for o in outcomes if o["template"] == tid], relative,
                _year(entry.get("first_year", "")), _year(entry.get("last_year", "")))
        except TemplateError as exc:
            problems.append(str(exc))
    spans = sorted((t.first_year or 0, t.last_year or 9999, t.template) for t in templates.values())
    for (_, hi, a), (lo, _, b) in zip(spans, spans[1:], strict=False):
        if lo <= hi:
            problems.append(f"templates/templates.csv 中模板 {a} 与 {b} 的适用年度重叠")
    if problems:
        raise TemplateError("\n".join(problems))
    return templates


def template_for_year(templates: dict[str, ReportTemplate], year: int) -> ReportTemplate | None:
    """The template in force for report year ``year``."""
    return next((t for t in templates.values() if t.covers(year)), None)


def spec_frames(templates: dict[str, ReportTemplate]) -> dict[str, pd.DataFrame]:
    """The templates as small tables for the SQL models (``ref_annual_*``), one row per item."""
    tables, rows, columns, cells, conditions, terms = [], [], [], [], [], []
    for t in templates.values():
        for tb in t.tables:
            key = {"template": t.template, "table_code": tb.code}
            tables.append({**key, "template_name": t.name, "table_title": tb.title,
                           "table_short": tb.short_title, "section": tb.section, "table_order": tb.order,
                           "row_header": tb.row_header, "column_header": tb.column_header})
            rows += [{**key, "row_code": r.code, "label": r.label, "measure_unit": r.unit,
                      "parent_code": r.parent, "is_header": r.header, "row_order": r.order,
                      "level": r.level, "note": r.note} for r in tb.rows]
            columns += [{**key, "col_code": c.code, "col_label": c.label, "col_group": c.group,
                         "measure_unit": c.unit, "col_order": c.order} for c in tb.columns]
            for c in tb.cells:
                ckey = {**key, "row_code": c.row_code, "col_code": c.col_code}
                s = c.source
                cells.append({**ckey, "kind": c.kind, "source": s.source if s else None,
                              "lineage_source": SOURCES[s.source].lineage if s else None,
                              "year_by": s.year_by if s else None, "measure": s.measure if s else None,
                              "scale": s.scale if s else None, "measure_unit": c.measure_unit,
                              "note": c.note})
                for k in s.conditions if s else ():
                    conditions.append({**ckey, "attr": k.attr, "negate": k.negate, "vals": list(k.values)})
            for n, ident in enumerate(tb.identities, start=1):
                labels = ({r.code: r.code for r in tb.rows} if ident.over == "rows" else
                          {c.code: (f"{c.group}·" if c.group else "") + c.label for c in tb.columns})
                for side, codes in (("lhs", ident.lhs), ("rhs", ident.rhs)):
                    terms += [{**key, "table_short": tb.short_title, "identity_no": n, "over": ident.over,
                               "op": ident.op, "side": side, "pos": i, "code": code,
                               "code_label": labels.get(code, code)} for i, code in enumerate(codes)]
    return {
        "ref_annual_tables": pd.DataFrame(tables, columns=TABLE_COLUMNS),
        "ref_annual_rows": pd.DataFrame(rows, columns=[n for n, _ in SPEC_TYPES["ref_annual_rows"]]),
        "ref_annual_columns": pd.DataFrame(columns, columns=[n for n, _ in SPEC_TYPES["ref_annual_columns"]]),
        "ref_annual_cells": pd.DataFrame(cells, columns=[n for n, _ in SPEC_TYPES["ref_annual_cells"]]),
        "ref_annual_conditions": pd.DataFrame(conditions,
                                              columns=[n for n, _ in SPEC_TYPES["ref_annual_conditions"]]),
        "ref_annual_identity_terms": pd.DataFrame(
            terms, columns=[n for n, _ in SPEC_TYPES["ref_annual_identity_terms"]]),
    }


_KEY = [("template", "VARCHAR"), ("table_code", "VARCHAR")]
SPEC_TYPES: dict[str, list[tuple[str, str]]] = {
    "ref_annual_tables": [*_KEY, ("template_name", "VARCHAR"), ("table_title", "VARCHAR"),
                          ("table_short", "VARCHAR"), ("section", "VARCHAR"), ("table_order", "INTEGER"),
                          ("row_header", "VARCHAR"), ("column_header", "VARCHAR")],
    "ref_annual_rows": [*_KEY, ("row_code", "VARCHAR"), ("label", "VARCHAR"), ("measure_unit", "VARCHAR"),
                        ("parent_code", "VARCHAR"), ("is_header", "BOOLEAN"), ("row_order", "INTEGER"),
                        ("level", "INTEGER"), ("note", "VARCHAR")],
    "ref_annual_columns": [*_KEY, ("col_code", "VARCHAR"), ("col_label", "VARCHAR"), ("col_group", "VARCHAR"),
                           ("measure_unit", "VARCHAR"), ("col_order", "INTEGER")],
    "ref_annual_cells": [*_KEY, ("row_code", "VARCHAR"), ("col_code", "VARCHAR"), ("kind", "VARCHAR"),
                         ("source", "VARCHAR"), ("lineage_source", "VARCHAR"), ("year_by", "VARCHAR"),
                         ("measure", "VARCHAR"), ("scale", "DOUBLE"), ("measure_unit", "VARCHAR"),
                         ("note", "VARCHAR")],
    "ref_annual_conditions": [*_KEY, ("row_code", "VARCHAR"), ("col_code", "VARCHAR"), ("attr", "VARCHAR"),
                              ("negate", "BOOLEAN"), ("vals", "VARCHAR[]")],
    "ref_annual_identity_terms": [*_KEY, ("table_short", "VARCHAR"), ("identity_no", "INTEGER"),
                                  ("over", "VARCHAR"), ("op", "VARCHAR"), ("side", "VARCHAR"),
                                  ("pos", "INTEGER"), ("code", "VARCHAR"), ("code_label", "VARCHAR")],
}
TABLE_COLUMNS = [n for n, _ in SPEC_TYPES["ref_annual_tables"]]


def division_info(store: ReferenceStore, division: str) -> dict:
    """A division's name, its office (whose facts are the division's) and the label of its
    whole-division tables (``全县`` for a division whose ``short_prefix`` is ``县``)."""
    path = store.find(f"{division}/division.json")
    info = json.loads(path.read_text(encoding="utf-8")) if path else {}
    prefix = info.get("short_prefix")
    return {"division": division, "name": info.get("name"), "short_prefix": prefix,
            "office": info.get("office"),
            "whole_label": f"全{prefix}" if prefix else (info.get("name") or division) + "全域"}
