"""The arithmetic of the annual tables (sums of sub-rows, 1 + 2 = 3.7 + 4, total = sum of the
applicant types, …): which identities a set of cells breaks, and where.

The identities are data in the template files; ``sql/identities.sql`` evaluates them for every
(division, unit, year, template, table). ``broken_identities`` is public so that whoever
exports a table (the leaders' pack) can refuse one that does not add up.
"""


from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.annual.templates import load_templates, spec_frames
from pipelines.db import SqlFolder, table_columns, table_exists
from pipelines.reference.load import store_for
from pipelines.settings import load_settings

SQL = SqlFolder(__file__)
CELL_COLUMNS = ("division", "unit", "year", "template", "table_code", "row_code", "col_code", "value")
TOLERANCE = 1e-6
NEGATION = {"=": "≠", ">=": "<"}


@dataclass(frozen=True)
class BrokenIdentity:
    """One identity that does not hold in one column (or row) of one table."""

    division: str
    unit: str | None
    unit_label: str
    year: int
    template: str
    table_code: str
    over: str
    op: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    other_code: str
    cells: tuple[tuple[str, str], ...]
    message: str

    def __str__(self) -> str:
        return self.message


def _number(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "空"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _values(values) -> list:
    return [] if values is None else list(values)


def _message(r: dict, unit_label: str) -> str:
    neg = NEGATION[r["op"]]
    # DuckDB hands lists back as numpy arrays, whose truth value is ambiguous.
    lhs_vals = "+".join(_number(v) for v in _values(r["lhs_values"]))
    rhs_vals = "+".join(_number(v) for v in _values(r["rhs_values"]))
    values = f"{lhs_vals}{neg}{rhs_vals}"
    if r["problem"] == "missing":
        values += "，有单元格缺失或为空"
    where = f"{r['division']} {r['year']} {unit_label} {r['table_short']}"
    if r["over"] == "rows":
        cells = f"第{'+'.join(_values(r['lhs_codes']))}行{neg}第{'+'.join(_values(r['rhs_codes']))}行"
        if r["other_code"] == "value":
            return f"{where} {cells}（{values}）"
        column = (f"{r['other_group']}·" if r["other_group"] else "") + r["other_label"]
        return f"{where} {cells}（{column}列：{values}）"
    cells = f"{'+'.join(_values(r['lhs_labels']))}列{neg}{'+'.join(_values(r['rhs_labels']))}列"
    return f"{where} {cells}（第{r['other_code']}行：{values}）"


def _unit(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _marts_labels(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str | None], str]:
    # The build's own labels; an annual_report without them (a handmade one) still has the
    # division registry's name for the whole division.
    if "unit_label" in table_columns(con, "annual_report"):
        return {(d, _unit(u)): lb for d, u, lb in con.execute(
            "SELECT DISTINCT division, unit, unit_label FROM annual_report").fetchall()}
    if table_exists(con, "ref_divisions"):
        return {(d, None): lb for d, lb in con.execute(
            "SELECT division, whole_label FROM ref_divisions").fetchall()}
    return {}


def _frame_labels(frame: pd.DataFrame) -> dict[tuple[str, str | None], str]:
    if "unit_label" not in frame.columns:
        return {}
    return {(r.division, _unit(r.unit)): r.unit_label
            for r in frame[["division", "unit", "unit_label"]].drop_duplicates().itertuples()}


def broken_identities(data: pd.DataFrame | duckdb.DuckDBPyConnection, templates: dict | None = None,
                      tolerance: float = TOLERANCE) -> list[BrokenIdentity]:
    """Every identity that does not hold in ``data``: an ``annual_report`` frame (any subset of
    its rows, with at least ``CELL_COLUMNS``) or a connection holding the ``annual_report`` table.

    The identities come from ``templates`` (``templates.load_templates``) if given, else from
    the connection's ``ref_annual_identity_terms`` (what the build used), else from the
    reference templates of ``GONGKAI_DATA_DIR``. Messages name a table's unit by the frame's
    ``unit_label``, or the marts' (``annual_report.unit_label``, else ``ref_divisions``), never
    by reading reference files. An empty list means every table adds up.
    """
    is_frame = isinstance(data, pd.DataFrame)
    con = duckdb.connect() if is_frame else data
    registered: list[str] = []

    def register(name: str, frame: pd.DataFrame) -> str:
        con.register(name, frame)
        registered.append(name)
        return name

    try:
        if is_frame:
            missing = [c for c in CELL_COLUMNS if c not in data.columns]
            if missing:
                raise ValueError(f"年报数据缺少列：{'、'.join(missing)}")
            cells = register("_annual_cells", data[list(CELL_COLUMNS)].astype({"value": "float64"}))
        else:
            cells = "annual_report"
        if templates is None and not is_frame and table_exists(con, "ref_annual_identity_terms"):
            terms, columns = "ref_annual_identity_terms", "ref_annual_columns"
        else:
            if templates is None:
                templates = load_templates(store_for(load_settings()))
            frames = spec_frames(templates)
            terms = register("_annual_terms", frames["ref_annual_identity_terms"])
            columns = register("_annual_columns", frames["ref_annual_columns"])
        sql = SQL.render("identities", cells=cells, terms=terms, columns=columns, tolerance=tolerance)
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        labels = _frame_labels(data) if is_frame else _marts_labels(con)
    finally:
        for name in registered:
            con.unregister(name)
        if is_frame:
            con.close()

    broken = []
    for r in rows:
        unit = _unit(r["unit"])
        label = labels.get((r["division"], unit)) or unit or f"全{r['division']}"
        codes = [*_values(r["lhs_codes"]), *_values(r["rhs_codes"])]
        cells_named = tuple((c, r["other_code"]) if r["over"] == "rows" else (r["other_code"], c)
                            for c in codes)
        broken.append(BrokenIdentity(
            division=r["division"], unit=unit, unit_label=label, year=int(r["year"]), template=r["template"],
            table_code=r["table_code"], over=r["over"], op=r["op"], lhs=tuple(_values(r["lhs_codes"])),
            rhs=tuple(_values(r["rhs_codes"])), other_code=r["other_code"], cells=cells_named,
            message=_message(r, label)))
    return broken
