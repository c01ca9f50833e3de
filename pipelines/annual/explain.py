"""Drill-down: which records make up one cell of an annual table.

``python -m pipelines explain --division 640521 --year 2018 --row 3.3.4.c`` reads the published
marts read-only (``GONGKAI_DATA_DIR``): the cell from ``annual_report``, its records from
``annual_report_sources`` joined to the marts for dates, units and titles (the queries are
``sql/explain/*.sql``). The marts hold no personal information, and nothing here reads the raw
files, so none can be printed.
"""

import argparse
import sys
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.db import SqlFolder, table_exists
from pipelines.settings import load_settings

SQL = SqlFolder(__file__)
EXIT_UNKNOWN_CELL = 2
DEFAULT_LIMIT = 50

# Per lineage source, ``sql/explain/<source>.sql`` fetches a record's printable details (no
# personal information: the marts have none); ``_record_line`` prints one record.
SOURCE_LABELS = {"requests": "依申请公开台账", "disclosures": "主动公开信息台账",
                 "activities": "工作活动台账", "appeals": "行政复议、行政诉讼台账", "facts": "年度填报指标"}


class UnknownCell(LookupError):
    """The requested cell (division, year, template, table, row, column or unit) does not exist."""


@dataclass
class CellExplanation:
    """One cell, its value and the records behind it (``records``: per source, one dict each)."""

    cell: dict
    division_name: str | None
    records: dict[str, list[dict]]


def _d(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _number(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.6f}".rstrip("0").rstrip(".")


def _choices(values: list[str], limit: int = 40) -> str:
    shown = "、".join(values[:limit])
    return shown + ("……" if len(values) > limit else "")


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


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
    cell = _dicts(SQL.run(con, "explain/cell", key))[0]
    names = SQL.run(con, "explain/division_name", {"division": division}).fetchall()
    sources = SQL.frame(con, "explain/sources", key | {"template": used})
    records = {}
    con.register("_cell_sources", sources)
    try:
        for source in sources["source"].unique():
            records[source] = _dicts(SQL.run(con, f"explain/{source}", sources="_cell_sources"))
    finally:
        con.unregister("_cell_sources")
    return CellExplanation(cell, names[0][0] if names else None, records)


def _record_line(source: str, r: dict, summed: bool) -> str:
    amount = f"　计入 {_number(r['amount'])}" if summed else ""
    if source == "requests":
        return (f"申请编号 {r['record_id']}　受理单位 {_d(r['unit'])}　收到 {_d(r['received_on'])}"
                f"　答复 {_d(r['answered_on']) if r['answered_on'] is not None else '未答复'}"
                f"　办理结果 {_d(r['outcome'])}　申请方式 {_d(r['channel'])}"
                f"　申请人类型 {_d(r['applicant_type'])}" + amount)
    if source == "disclosures":
        return (f"索引号 {r['record_id']}　{_d(r['title'])}　发布机构 {_d(r['unit'])}"
                f"　类别 {_d(r['category'])}　首次发布 {_d(r['published_on'])}　渠道 {_d(r['channels'])}"
                + amount)
    if source == "activities":
        head = "　主要负责同志参加" if r["head_attended"] is True else ""
        people = f"　人数 {_number(r['people'])}" if r["people"] is not None else ""
        return (f"{_d(r['activity_date'])}　{_d(r['unit'])}　{_d(r['activity_type'])}　{_d(r['title'])}"
                + head + people + amount)
    if source == "appeals":
        route = f"（{r['suit_route']}）" if isinstance(r["suit_route"], str) else ""
        return (f"案件编号 {r['record_id']}　{_d(r['kind'])}{route}　被申请单位 {_d(r['unit'])}"
                f"　收到 {_d(r['received_on'])}　结果 {_d(r['result'])}　结案 {_d(r['closed_on'])}" + amount)
    return f"{_d(r['unit'])}　{r['record_id']}　填报值 {_number(r['value'])}" + amount


def format_explanation(exp: CellExplanation, limit: int = DEFAULT_LIMIT) -> str:
    """The explanation as Chinese text for the terminal (at most ``limit`` records per source;
    0 = all)."""
    c = exp.cell
    division = f"{exp.division_name}（{c['division']}）" if exp.division_name else f"{c['division']} "
    column = (f"{c['col_group']}·" if isinstance(c["col_group"], str) else "") + c["col_label"]
    lines = [
        f"{division}{c['year']} 年 · {c['template']} 模板《{c['table_title']}》 · {c['unit_label']}",
        f"单元格：第 {c['row_code']} 行「{c['label']}」 · {column}"
        f"（表 {c['table_code']}，列 {c['col_code']}）",
    ]
    if c["kind"] == "header":
        lines.append("这是表头行，没有数值。")
        return "\n".join(lines)
    if c["kind"] == "no_source":
        lines.append(f"数值：空（{c['note'] or '此单元格无数据来源'}）")
        return "\n".join(lines)
    unit = c["measure_unit"] if isinstance(c["measure_unit"], str) else ""
    total = sum(len(rows) for rows in exp.records.values())
    lines.append(f"数值：{_number(c['value'])} {unit}（来源记录 {total} 条）".replace(" （", "（"))
    if isinstance(c["note"], str):
        lines.append(f"口径：{c['note']}")
    if not total:
        lines.append("没有来源记录：本年度无符合条件的记录。")
    for source, rows in exp.records.items():
        summed = source == "facts" or any(r["amount"] != 1 for r in rows)
        lines.append(f"{SOURCE_LABELS.get(source, source)}（{len(rows)} 条）：")
        shown = rows if not limit else rows[:limit]
        lines += ["  " + _record_line(source, r, summed) for r in shown]
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
    except UnknownCell as exc:
        print(f"找不到单元格：{exc}", file=sys.stderr)
        return EXIT_UNKNOWN_CELL
    finally:
        con.close()
    print(format_explanation(exp, args.limit))
    return 0
