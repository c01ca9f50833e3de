"""Where each cell of a template comes from: a template's ``source`` fragments resolved
against the kinds of source the build knows.

A cell's source is its row's fragment combined with its column's (table 三: the row picks
the requests, the column the applicant type), or the row's own ``cells`` entry. Resolving
checks what only the combination can tell: the source kind exists, ``year_by`` and
``measure`` are among its own, and every word of ``where`` is in the input vocabularies or
(``outcome``) in ``outcomes.csv``. The SQL that evaluates the sources is
``sql/annual_records.sql``; the attributes below are its columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.annual.table_model import TableSpec
from pipelines.annual.template_model import ReportTemplate
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

BOOLEAN = ("true", "false")
OUTCOME_WORDS = "outcome"  # vocabulary resolved per template from outcomes.csv
NO_SOURCE_NOTE = "无数据来源：台账与年度填报指标均未采集此项"


@dataclass(frozen=True)
class SourceKind:
    """What a template may say about one kind of source: dates, filterable attributes, summable numbers."""

    name: str
    lineage: str
    label: str
    year_by: tuple[str, ...]
    attrs: dict[str, tuple[str, ...] | str]
    measures: tuple[str, ...] = ()
    default_measure: str = "count"


SOURCE_KINDS: dict[str, SourceKind] = {
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
class Cell:
    """One cell: ``kind`` is ``header``, ``data`` (with a source) or ``no_source``."""

    row_code: str
    col_code: str
    kind: str
    source: Source | None
    measure_unit: str | None
    note: str | None


@dataclass
class Problems:
    """The problems found in one file, each prefixed with the file and where in it."""

    where: str
    items: list[str] = field(default_factory=list)

    def add(self, context: str, message: str) -> None:
        """Record one problem at ``context`` (表 main 第 3.1 行 …; empty: the whole file)."""
        self.items.append(f"{self.where} {context}：{message}" if context else f"{self.where}：{message}")


def _words(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(("true" if v else "false") if isinstance(v, bool) else str(v) for v in items)


def _merge(parts: list[dict], problems: Problems, context: str) -> dict | None:
    """Combine row and column source fragments; a key set twice to different values is an error."""
    merged: dict = {}
    where: dict = {}
    for part in parts:
        for key, value in part.items():
            if key == "where":
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


def _resolve_source(spec: dict, outcome_words: tuple[str, ...], problems: Problems,
                    context: str, vocab_outcomes: set[str]) -> Source | None:
    kind = SOURCE_KINDS.get(spec.get("from"))
    if kind is None:
        problems.add(context, f"数据来源 from 应为 {'、'.join(SOURCE_KINDS)} 之一，实为 {spec.get('from')!r}")
        return None
    year_by = spec.get("year_by") or (kind.year_by[0] if len(kind.year_by) == 1 else None)
    if year_by not in kind.year_by:
        problems.add(context, f"{kind.name} 的 year_by 应为 {'、'.join(kind.year_by)} 之一，实为 {year_by!r}")
        return None
    measure = spec.get("measure", kind.default_measure)
    if measure != "count" and measure not in kind.measures:
        allowed = "、".join(("count", *kind.measures))
        problems.add(context, f"{kind.name} 的 measure 应为 {allowed} 之一，实为 {measure!r}")
    conditions = []
    for attr, cond in spec.get("where", {}).items():
        vocab = kind.attrs.get(attr)
        if vocab is None:
            problems.add(context, f"{kind.name} 没有可筛选的属性 {attr}（可用：{'、'.join(kind.attrs)}）")
            continue
        negate = isinstance(cond, dict)
        values = _words(cond["not_in"] if negate else cond)
        allowed = vocab_outcomes if vocab == OUTCOME_WORDS else set(vocab)
        bad = [v for v in values if v not in allowed]
        if bad:
            problems.add(context, f"属性 {attr} 的取值 {'、'.join(bad)} 不在词表中"
                                  f"（{'、'.join(sorted(allowed))}）")
        conditions.append(Condition(attr, values, negate))
    if spec.get("outcome") is not None:
        if kind.name != "requests":
            problems.add(context, "outcome 只能用于 requests，且取值为 \"row\"")
        elif not outcome_words:
            problems.add(context, "templates/outcomes.csv 中没有映射到本行（或其下级行）的办理结果用语")
        else:
            conditions.append(Condition("outcome", outcome_words))
    return Source(kind.name, year_by, measure, float(spec.get("scale", 1)), tuple(conditions))


def uses_outcomes(table: TableSpec) -> bool:
    """Whether the table has rows counted by 办理结果 (``"outcome": "row"``)."""
    return any(r.source is not None and r.source.outcome for r in table.rows)


def table_outcomes(template: ReportTemplate, table: TableSpec) -> list[tuple[str, str]]:
    """(outcome word, row code) of ``outcomes.csv`` that belong to this table."""
    if not uses_outcomes(table):
        return []
    return [(o.outcome, o.row_code) for o in template.outcomes
            if (o.table_code or table.code) == table.code]


def resolve_cells(template: ReportTemplate, table: TableSpec, problems: Problems) -> list[Cell]:
    """Every cell of a table with its resolved source, in row then column order; what does
    not resolve is added to ``problems``."""
    context = f"表 {table.code}"
    outcomes = table_outcomes(template, table)
    words_by_row: dict[str, list[str]] = {}
    for word, row_code in outcomes:
        words_by_row.setdefault(row_code, []).append(word)
    vocab_outcomes = {word for word, _ in outcomes}
    cells = []
    for r in table.rows:
        words = tuple(w for below in sorted(table.descendants(r.code)) for w in words_by_row.get(below, []))
        for c in table.columns:
            if r.header:
                cells.append(Cell(r.code, c.code, "header", None, None, None))
                continue
            cell_context = f"{context} 第 {r.code} 行 {c.code} 列"
            if r.cells is not None:
                fragment = r.cells.get(c.code)
                given = fragment.given() if fragment is not None else {}
                spec = _merge([given], problems, cell_context) if given else None
            else:
                parts = [p.given() for p in (r.source, c.source) if p is not None]
                spec = _merge([p for p in parts if p], problems, cell_context)
            unit = c.unit or r.unit
            if spec is None:
                cells.append(Cell(r.code, c.code, "no_source", None, unit, r.note or NO_SOURCE_NOTE))
                continue
            source = _resolve_source(spec, words, problems, cell_context, vocab_outcomes)
            cells.append(Cell(r.code, c.code, "data", source, unit, r.note))
    return cells
