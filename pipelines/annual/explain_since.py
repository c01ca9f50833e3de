"""``explain … --since <date|build>``: a cell now against a publication before, and the records
added, removed or changed that explain the difference.

The old value is the cell in the snapshot that publication showed (``annual_report_history``);
the old records are the lineage intervals open at its time (``annual_report_sources_history``);
the new ones are today's ``annual_report_sources``. Records are printed from the marts as they
are now, with the file and row they were read from, so a late return or a corrected ledger is
named by its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.annual.explain_records import SOURCE_LABELS, number, record_details, record_line
from pipelines.annual.since import (
    Publication,
    cell_at,
    find_publication,
    lineage_at,
    lineage_diff,
    publications,
)
from pipelines.db import SqlFolder

SQL = SqlFolder(__file__)
KINDS = {"added": "新计入的记录", "removed": "不再计入的记录", "changed": "计入值改变的记录"}


@dataclass
class SinceExplanation:
    """A cell at a publication and now: values, and the records behind the difference (per
    kind of change, per source, one dict each)."""

    baseline: Publication
    current: Publication | None
    was_there: bool
    old_value: float | None
    new_value: float | None
    measure_unit: str
    records: dict[str, dict[str, list[dict]]] = field(default_factory=dict)


def since_explanation(con: duckdb.DuckDBPyConnection, exp, since: str) -> SinceExplanation:
    """Compare the cell of ``exp`` (a ``CellExplanation``) with the publication ``since`` names."""
    cell = exp.cell
    pubs = publications(con, cell["division"], int(cell["year"]))
    baseline = find_publication(con, cell["division"], int(cell["year"]), since)
    was_there, old_value = cell_at(con, cell, baseline.annual_build_id)
    old = lineage_at(con, cell, baseline.published_at)
    new = SQL.frame(con, "explain/sources", {k: cell[k] for k in (
        "division", "year", "unit", "template", "table_code", "row_code", "col_code")})
    result = SinceExplanation(baseline, pubs[-1] if pubs else None, was_there, old_value, cell["value"],
                              cell["measure_unit"] if isinstance(cell["measure_unit"], str) else "")
    for kind, rows in lineage_diff(old, new).items():
        if rows.empty:
            continue
        found = record_details(con, rows)
        if kind == "changed":
            before = dict(zip(zip(rows["source"], rows["record_id"], rows["record_unit"], strict=True),
                              rows["old_amount"], strict=True))
            for source, records in found.items():
                for r in records:
                    r["old_amount"] = before.get((source, r["record_id"], r.get("unit")),
                                                 before.get((source, r["record_id"], None)))
        result.records[kind] = found
    return result


def _value(value: float | None, unit: str) -> str:
    return "空" if value is None else f"{number(value)} {unit}".strip()


def format_since(se: SinceExplanation) -> list[str]:
    """The comparison as Chinese lines for the terminal."""
    lines = []
    if se.current is not None and se.current.build_id == se.baseline.build_id:
        lines.append(f"所选的就是最近一次发布：{se.baseline.describe()}。")
    old = _value(se.old_value, se.measure_unit) if se.was_there else "（当时没有此单元格）"
    new = _value(se.new_value, se.measure_unit)
    change = ""
    if se.was_there and se.old_value is not None and se.new_value is not None:
        diff = se.new_value - se.old_value
        if abs(diff) > 1e-12:
            change = f"（{'增加' if diff > 0 else '减少'} {_value(abs(diff), se.measure_unit)}）"
    lines.append(f"与 {se.baseline.describe()}的数字相比：原值 {old}，现值 {new}{change}。")
    if not se.records:
        lines.append("来源记录没有变化。")
        return lines
    for kind, label in KINDS.items():
        by_source = se.records.get(kind)
        if not by_source:
            continue
        lines.append(f"{label}（{sum(len(v) for v in by_source.values())} 条）：")
        for source, rows in by_source.items():
            lines.append(f"  {SOURCE_LABELS.get(source, source)}：")
            for r in rows:
                line = record_line(source, r, summed=True, with_file=True)
                if kind == "changed" and r.get("old_amount") is not None:
                    line += f"　原计入 {number(r['old_amount'])}"
                lines.append("    " + line)
    return lines
