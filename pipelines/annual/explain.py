"""Drill-down: which records make up one cell of an annual table.

``python -m pipelines explain --division 640521 --year 2018 --row 3.3.4.c`` reads the published
marts read-only (``GONGKAI_DATA_DIR``): the cell from ``annual_report``, its records from
``annual_report_sources`` joined to the marts for dates, units and titles (the queries are
``sql/explain/*.sql``), the as-of date from ``build_info``. With ``--since <date|build>`` it
compares the cell with that publication instead (``explain_since``). The marts hold no personal
information, and nothing here reads the raw files, so none can be printed.
"""

import argparse
import sys
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.annual.explain_records import SOURCE_LABELS, dicts, number, record_details, record_line
from pipelines.annual.explain_since import format_since, since_explanation
from pipelines.annual.since import UnknownPublication
from pipelines.db import SqlFolder, table_exists
from pipelines.marts.published import BuildInfo, NoBuildInfo, build_info
from pipelines.settings import load_settings

SQL = SqlFolder(__file__)
EXIT_UNKNOWN_CELL = 2
DEFAULT_LIMIT = 50

class UnknownCell(LookupError):
    """The requested cell (division, year, template, table, row, column or unit) does not exist."""


@dataclass
class CellExplanation:
    """One cell, its value and the records behind it (``records``: per source, one dict each);
    ``build`` the published build (its as-of date); ``facts_left_out`` the units' own rows a
    division total replaced."""

    cell: dict
    division_name: str | None
    records: dict[str, list[dict]]
    build: BuildInfo | None = None
    facts_left_out: list[dict] | None = None


def _choices(values: list[str], limit: int = 40) -> str:
    shown = "、".join(values[:limit])
    return shown + ("……" if len(values) > limit else "")


def _codes(cells: pd.DataFrame, column: str, order: list[str] | None = None) -> list[str]:
    """Distinct codes of ``column``, sorted by ``order`` (else by the code itself)."""
    keys = [column, *(order or [])]
    picked = cells[keys].drop_duplicates().sort_values(order or column, kind="stable")
    return [str(c) for c in picked[column]]


def _resolve_unit(con, division: str, unit: str | None) -> str | None:
    if unit is None:
        return None
    found = SQL.run(con, "explain/unit", {"division": division, "unit": unit}).fetchone()
    if found:
        return found[0]
    raise UnknownCell(f"单位“{unit}”不在 {division} 的单位名录中（不写 --unit 则为全区划合计）")


def _locate(cells: pd.DataFrame, used: str, row: str, col: str | None,
            table: str | None) -> tuple[str, str]:
    """The (table, column) of the cell in ``row``, or UnknownCell saying what there is."""
    tables = _codes(cells[cells["row_code"] == row], "table_code")
    if table is not None:
        all_tables = _codes(cells, "table_code")
        if table not in all_tables:
            raise UnknownCell(f"{used} 模板没有表 {table}（可用：{_choices(all_tables)}）")
        if table not in tables:
            rows = _codes(cells[cells["table_code"] == table], "row_code", ["row_order"])
            raise UnknownCell(f"{used} 模板表 {table} 没有第 {row} 行（可用行：{_choices(rows)}）")
    elif not tables:
        rows = [str(r) for r in cells[["row_code", "table_order", "row_order"]].drop_duplicates()
                .sort_values(["table_order", "row_order"], kind="stable")["row_code"]]
        raise UnknownCell(f"{used} 模板没有第 {row} 行（可用行：{_choices(rows)}）")
    elif len(tables) > 1:
        raise UnknownCell(f"第 {row} 行在多张表中出现（{_choices(tables)}），请用 --table 指定")
    else:
        table = tables[0]
    columns = _codes(cells[cells["table_code"] == table], "col_code", ["col_order"])
    if col is None:
        if len(columns) != 1:
            raise UnknownCell(f"表 {table} 有多列，请用 --col 指定（可用列：{_choices(columns)}）")
        col = columns[0]
    elif col not in columns:
        raise UnknownCell(f"表 {table} 没有 {col} 列（可用列：{_choices(columns)}）")
    return table, col


def explain_cell(con: duckdb.DuckDBPyConnection, division: str, year: int, row: str, col: str | None = None,
                 table: str | None = None, template: str | None = None,
                 unit: str | None = None) -> CellExplanation:
    """Find one cell of ``annual_report`` and the records behind it; raise UnknownCell if there
    is no such cell (the message says what exists instead)."""
    tables = SQL.frame(con, "explain/years")
    mine = tables[tables["division"] == division]
    if mine.empty:
        divisions = sorted({str(d) for d in tables["division"]})
        raise UnknownCell(f"没有区划 {division} 的年度统计表（已有区划：{_choices(divisions) or '无'}）")
    if year not in set(mine["year"]):
        listed = _choices([str(y) for y in mine["year"]])
        raise UnknownCell(f"没有 {division} {year} 年的统计表（已有年度：{listed}）")
    used = str(mine.loc[mine["year"] == year, "template"].iloc[0])
    if template is not None and template != used:
        raise UnknownCell(f"{division} {year} 年的统计表使用 {used} 模板，不是 {template} 模板")
    unit = _resolve_unit(con, division, unit)
    key = {"division": division, "year": year, "unit": unit}
    table, col = _locate(SQL.frame(con, "explain/cells", key), used, row, col, table)
    key |= {"table_code": table, "row_code": row, "col_code": col}
    cell = dicts(SQL.run(con, "explain/cell", key))[0]
    names = SQL.run(con, "explain/division_name", {"division": division}).fetchall()
    sources = SQL.frame(con, "explain/sources", key | {"template": used})
    records = record_details(con, sources)
    left_out = None
    facts = records.get("facts", [])
    totals = sorted({r["record_id"] for r in facts if r["division_total"]})
    if unit is None and totals:
        left_out = dicts(SQL.run(con, "explain/facts_left_out", {
            "division": division, "year": year, "indicators": totals}))
    try:
        build = build_info(con, division)
    except NoBuildInfo:
        build = None
    return CellExplanation(cell, names[0][0] if names else None, records, build, left_out)


def _facts_basis(exp: CellExplanation) -> str | None:
    """How the division's facts cell was made: the units' sum, or a division total."""
    facts = exp.records.get("facts")
    if not facts or exp.cell["unit"] is not None:
        return None
    summed = [r for r in facts if not r["division_total"]]
    units = f"各单位填报之和（{len({r['unit'] for r in summed})} 个单位）"
    if exp.facts_left_out is None:
        return f"合计方式：{units}。"
    totals = "、".join(sorted({r["record_id"] for r in facts if r["division_total"]}))
    text = f"合计方式：{totals} 采用全区划合计行（单位为区划本身），不再汇总各单位填报"
    if exp.facts_left_out:
        left = "、".join(f"{r['unit']} {r['indicator']} {number(r['value'])}"
                        for r in exp.facts_left_out[:10])
        text += f"；未计入的单位填报 {len(exp.facts_left_out)} 行：{left}"
    return text + (f"；其余指标为{units}。" if summed else "。")


def header_lines(exp: CellExplanation) -> list[str]:
    """The cell's heading: division, year, template, table and unit; the cell; the as-of date."""
    c = exp.cell
    division = f"{exp.division_name}（{c['division']}）" if exp.division_name else f"{c['division']} "
    column = (f"{c['col_group']}·" if isinstance(c["col_group"], str) else "") + c["col_label"]
    lines = [
        f"{division}{c['year']} 年 · {c['template']} 模板《{c['table_title']}》 · {c['unit_label']}",
        f"单元格：第 {c['row_code']} 行「{c['label']}」 · {column}"
        f"（表 {c['table_code']}，列 {c['col_code']}）",
    ]
    if exp.build is not None:
        built = f"{exp.build.built_at:%Y-%m-%d %H:%M} 构建" if exp.build.built_at else "构建"
        build_id = (exp.build.build_id or "—")[:8]
        lines.append(f"数据截至 {exp.build.as_of.isoformat()}（{built}，构建号 {build_id}）")
    return lines


def format_explanation(exp: CellExplanation, limit: int = DEFAULT_LIMIT) -> str:
    """The explanation as Chinese text for the terminal (at most ``limit`` records per source;
    0 = all)."""
    c = exp.cell
    lines = header_lines(exp)
    if c["kind"] == "header":
        lines.append("这是表头行，没有数值。")
        return "\n".join(lines)
    if c["kind"] == "no_source":
        lines.append(f"数值：空（{c['note'] or '此单元格无数据来源'}）")
        return "\n".join(lines)
    unit = c["measure_unit"] if isinstance(c["measure_unit"], str) else ""
    total = sum(len(rows) for rows in exp.records.values())
    lines.append(f"数值：{number(c['value'])} {unit}（来源记录 {total} 条）".replace(" （", "（"))
    if isinstance(c["note"], str):
        lines.append(f"口径：{c['note']}")
    basis = _facts_basis(exp)
    if basis:
        lines.append(basis)
    if not total:
        lines.append("没有来源记录：本年度无符合条件的记录。")
    for source, rows in exp.records.items():
        summed = source == "facts" or any(r["amount"] != 1 for r in rows)
        lines.append(f"{SOURCE_LABELS.get(source, source)}（{len(rows)} 条）：")
        shown = rows if not limit else rows[:limit]
        lines += ["  " + record_line(source, r, summed) for r in shown]
        if len(rows) > len(shown):
            lines.append(f"  ……另有 {len(rows) - len(shown)} 条（--limit 0 显示全部）")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """Print one cell and its records; exit status 2 for an unknown cell."""
    db_path = load_settings().db_path
    if not db_path.exists():
        print(f"找不到已发布的数据集市 {db_path}，请先运行 python -m pipelines build", file=sys.stderr)
        return 1
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        if not table_exists(con, "annual_report_sources"):
            print(f"数据集市 {db_path} 中还没有年度统计表，请重新构建", file=sys.stderr)
            return 1
        exp = explain_cell(con, args.division, args.year, args.row, col=args.col, table=args.table,
                           template=args.template, unit=args.unit)
        since = getattr(args, "since", None)
        text = (format_explanation(exp, args.limit) if not since else
                "\n".join([*header_lines(exp), *format_since(since_explanation(con, exp, since))]))
    except UnknownCell as exc:
        print(f"找不到单元格：{exc}", file=sys.stderr)
        return EXIT_UNKNOWN_CELL
    except UnknownPublication as exc:
        print(f"找不到可比较的发布：{exc}", file=sys.stderr)
        return EXIT_UNKNOWN_CELL
    finally:
        con.close()
    print(text)
    return 0
