"""How ``explain`` prints a record behind a cell, whatever its source.

Per lineage source, ``sql/explain/<source>.sql`` fetches a record's printable details (no
personal information: the marts have none) and the file and row it was read from.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.db import SqlFolder

SQL = SqlFolder(__file__)

# How each lineage source is named in the listing.
SOURCE_LABELS = {"requests": "依申请公开台账", "disclosures": "主动公开信息台账",
                 "activities": "工作活动台账", "appeals": "行政复议、行政诉讼台账", "facts": "年度填报指标"}


def show(value) -> str:
    """A value as printed: dates ISO, missing as —."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def number(value) -> str:
    """A figure as printed: integers bare, fractions without trailing zeros."""
    if value is None or pd.isna(value):
        return "—"
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.6f}".rstrip("0").rstrip(".")


def dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    """A query's rows as dicts keyed by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def record_details(con: duckdb.DuckDBPyConnection, sources: pd.DataFrame) -> dict[str, list[dict]]:
    """Printable details of lineage rows (columns division, year, source, record_id, record_unit,
    amount), per source, from the marts (a record no longer there has its fields None)."""
    records = {}
    con.register("_cell_sources", sources)
    try:
        for source in sources["source"].unique():
            records[source] = dicts(SQL.run(con, f"explain/{source}", sources="_cell_sources"))
    finally:
        con.unregister("_cell_sources")
    return records


def record_line(source: str, r: dict, summed: bool, with_file: bool = False) -> str:
    """One record as a line of the terminal (``with_file``: and where it was read from)."""
    line = _record_text(source, r, summed)
    if with_file and r.get("source_file"):
        line += f"　（{r['source_file']} 第 {r['source_row']} 行）"
    elif with_file:
        line += "　（已不在当前数据集市中）"
    return line


def _record_text(source: str, r: dict, summed: bool) -> str:
    amount = f"　计入 {number(r['amount'])}" if summed else ""
    if source == "requests":
        return (f"申请编号 {r['record_id']}　受理单位 {show(r['unit'])}　收到 {show(r['received_on'])}"
                f"　答复 {show(r['answered_on']) if r['answered_on'] is not None else '未答复'}"
                f"　办理结果 {show(r['outcome'])}　申请方式 {show(r['channel'])}"
                f"　申请人类型 {show(r['applicant_type'])}" + amount)
    if source == "disclosures":
        return (f"索引号 {r['record_id']}　{show(r['title'])}　发布机构 {show(r['unit'])}"
                f"　类别 {show(r['category'])}　首次发布 {show(r['published_on'])}"
                f"　渠道 {show(r['channels'])}" + amount)
    if source == "activities":
        head = "　主要负责同志参加" if r["head_attended"] is True else ""
        people = f"　人数 {number(r['people'])}" if r["people"] is not None else ""
        return (f"{show(r['activity_date'])}　{show(r['unit'])}　{show(r['activity_type'])}"
                f"　{show(r['title'])}" + head + people + amount)
    if source == "appeals":
        route = f"（{r['suit_route']}）" if isinstance(r["suit_route"], str) else ""
        return (f"案件编号 {r['record_id']}　{show(r['kind'])}{route}　被申请单位 {show(r['unit'])}"
                f"　收到 {show(r['received_on'])}　结果 {show(r['result'])}"
                f"　结案 {show(r['closed_on'])}" + amount)
    total = "（全区划合计行）" if r.get("division_total") else ""
    return f"{show(r['unit'])}{total}　{r['record_id']}　填报值 {number(r['value'])}" + amount
