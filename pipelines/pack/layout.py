"""Laying the ``annual_report`` cells of one division-year out as the template's tables.

The template says everything about the layout: which tables go on which sheet, titles and
stub titles, the column header paths and their order, the rows in order with their headings
and depth (by the parent chain), and whether codes and units get a column. The cells give
the figures and the row labels. A table that breaks one of its template's arithmetic
identities is marked refused, with the reason, so no writer hands it to leaders.
"""

from __future__ import annotations

import pandas as pd

from pipelines.annual.identities import CELL_COLUMNS, broken_identities
from pipelines.annual.table_model import TableSpec
from pipelines.annual.template_model import ReportTemplate
from pipelines.pack.model import StatColumn, StatRow, StatSheet, StatTable

# Deeper rows are printed at the same indent: the official tables go three levels deep.
MAX_DEPTH = 3


def identity_problems(cells: pd.DataFrame, template: ReportTemplate) -> dict[str, list[str]]:
    """Broken identities of one division-year's cells, as messages by table code.

    The shared checker (``pipelines.annual.identities``, the same one that blocks the build)
    judges with this template's identities; a frame without the key columns (a single table
    handed in) is keyed as one table.
    """
    spec = template
    frame = cells.copy()
    defaults = {"division": "", "unit": None, "year": 0, "template": spec.template}
    for column in CELL_COLUMNS:
        if column not in frame:
            frame[column] = defaults.get(column)
    out: dict[str, list[str]] = {}
    for problem in broken_identities(frame, templates={spec.template: spec}):
        out.setdefault(str(problem.table_code), []).append(problem.message)
    return out


def _first_text(values: pd.Series) -> str | None:
    return next((str(v) for v in values if isinstance(v, str) and v.strip()), None)


def build_table(cells: pd.DataFrame, table: TableSpec,
                broken: dict[str, list[str]] | None = None) -> StatTable:
    """Lay one table's long cells out as rows × columns in the template's order; ``broken``
    holds the identities each table code breaks (a table with any is refused).

    A template row the cells lack is left out, except a heading over rows they have (the
    contract's minimum columns need not carry heading rows)."""
    broken = broken or {}
    present = set(cells["col_code"].astype(str))
    columns = [StatColumn(c.code, table.column_path(c)) for c in table.columns if c.code in present]
    parts = dict(tuple(cells.groupby(cells["row_code"].astype(str), sort=False)))

    def stat_row(code: str, part: pd.DataFrame | None) -> StatRow:
        spec = table.row(code)
        values, label, unit = {}, None, None
        if part is not None:
            values = {str(c): (None if pd.isna(v) else float(v))
                      for c, v in zip(part["col_code"], part["value"], strict=True)}
            label, unit = _first_text(part["label"]), _first_text(part["measure_unit"])
        label = label or (spec.label if spec else code)
        unit = unit or (spec.unit if spec else None)
        return StatRow(code, label, unit, values, heading=bool(spec and spec.header),
                       depth=min(table.levels.get(code, 0), MAX_DEPTH), parent=spec.parent if spec else None)

    rows = []
    for r in table.rows:
        if r.code in parts:
            rows.append(stat_row(r.code, parts[r.code]))
        elif r.header and table.descendants(r.code) & parts.keys():
            rows.append(stat_row(r.code, None))
    known = {r.code for r in table.rows}
    rows += [stat_row(code, part) for code, part in parts.items() if code not in known]
    return StatTable(
        code=table.code,
        title=table.title,
        stub_title=table.stub,
        columns=columns,
        rows=rows,
        show_codes=table.show_codes,
        show_units=table.show_units,
        broken=broken.get(table.code, []),
    )


def build_sheets(cells: pd.DataFrame, template: ReportTemplate,
                 broken: dict[str, list[str]] | None = None) -> list[StatSheet]:
    """The statistics tables of one division-year, grouped into the template's sheets in its
    order; ``broken`` (identity messages by table code) defaults to checking ``cells`` here."""
    if cells.empty:
        return []
    spec = template
    if broken is None:
        broken = identity_problems(cells, spec)
    parts = {str(code): part.reset_index(drop=True) for code, part in cells.groupby("table_code", sort=False)}
    unknown = [code for code in parts if spec.table(code) is None]
    if unknown:
        raise ValueError(f"annual_report 中的表 {'、'.join(unknown)} 不在年报模板 {spec.template} 中")
    sheets = []
    for sheet in spec.layout_sheets():
        tables = [build_table(parts[code], spec.table(code), broken)
                  for code in sheet.tables if code in parts]
        if tables:
            sheets.append(StatSheet(sheet.key, sheet.name, sheet.title, tables, sheet.division_in_title))
    return sheets
