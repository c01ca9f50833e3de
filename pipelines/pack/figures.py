"""The headline figures of a year: the cells the template names for each (its ``figures``),
else the count the marts give, and how it compares with last year.
"""

from __future__ import annotations

from pipelines.annual.template_model import ReportTemplate
from pipelines.pack.model import KeyFigure, StatSheet

TABLE_SOURCE, LEDGER_SOURCE = "统计表", "台账"


def _cell(sheets: list[StatSheet], table: str, row: str, col: str) -> float | None:
    for sheet in sheets:
        for t in sheet.tables:
            if t.code == table and not t.refused:
                return t.value(row, col)
    return None


def key_figures(sheets: list[StatSheet], template: ReportTemplate,
                marts: dict[str, float]) -> dict[str, KeyFigure]:
    """Headline figures in the template's order: the sum of the template's cells where the
    tables have them all (and passed their identities), else counted from the marts."""
    out: dict[str, KeyFigure] = {}
    for spec in template.figures:
        if spec.cells:
            values = [_cell(sheets, *ref) for ref in spec.cells]
            if all(v is not None for v in values):
                out[spec.key] = KeyFigure(spec.key, spec.label, spec.unit, sum(values), TABLE_SOURCE,
                                          compare_as=spec.compare_as)
                continue
        if spec.marts and spec.key in marts:
            out[spec.key] = KeyFigure(spec.key, spec.marts_label or spec.label, spec.marts_unit or spec.unit,
                                      marts[spec.key], LEDGER_SOURCE, compare_as=spec.compare_as)
    return out
