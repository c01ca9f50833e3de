"""Reading the history of published figures: what a year showed at a publication, and what
changed since (``explain --since``, the pack's 「与上次发布相比」).

The history is written by ``figure_history`` (``history.py``): ``figure_publications`` lists
every publication of a year with the snapshot it showed; a snapshot is stored once, when the
figures change. The queries are ``sql/history/*.sql``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from pipelines.db import SqlFolder, table_exists

SQL = SqlFolder(__file__)
RECORD_KEY = ["source", "record_id", "record_unit"]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class UnknownPublication(LookupError):
    """``--since`` names no publication of the year (the message says which there are)."""


@dataclass(frozen=True)
class Publication:
    """One publication of a year: its build, as-of, time and the snapshots it showed."""

    build_id: str
    as_of: date
    published_at: datetime
    annual_build_id: str | None
    plan_build_id: str | None

    @property
    def short_id(self) -> str:
        """The build id as people quote it (its first 8 characters)."""
        return self.build_id[:8]

    def brief(self) -> str:
        """``2020-01-12 09:30，构建 1a2b3c4d，数据截至 2020-01-10``."""
        return f"{self.published_at:%Y-%m-%d %H:%M}，构建 {self.short_id}，数据截至 {self.as_of.isoformat()}"

    def describe(self) -> str:
        """``2020-01-12 09:30 发布（构建 1a2b3c4d，数据截至 2020-01-10）``."""
        return (f"{self.published_at:%Y-%m-%d %H:%M} 发布（构建 {self.short_id}，"
                f"数据截至 {self.as_of.isoformat()}）")


def has_history(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the marts keep the history of published figures."""
    return table_exists(con, "figure_publications")


def publications(con: duckdb.DuckDBPyConnection, division: str, year: int) -> list[Publication]:
    """Every publication of the division's year, oldest first (none without history)."""
    if not has_history(con):
        return []
    rows = SQL.run(con, "history/publications_of", {"division": division, "year": year}).fetchall()
    return [Publication(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def find_publication(con: duckdb.DuckDBPyConnection, division: str, year: int, since: str) -> Publication:
    """The publication ``since`` names: a date (``YYYY-MM-DD``: the last publication on or before
    that day) or a build id (its first characters suffice when they are unique)."""
    pubs = publications(con, division, year)
    if not pubs:
        raise UnknownPublication(f"{division} {year} 年没有发布记录（数据集市中没有已发布数字的历史）")
    listed = "；".join(p.describe() for p in pubs[-5:])
    if _DATE.match(since.strip()):
        day = date.fromisoformat(since.strip())
        before = [p for p in pubs if p.published_at.date() <= day]
        if not before:
            raise UnknownPublication(f"{day.isoformat()} 及以前没有 {division} {year} 年的发布"
                                     f"（最近的发布：{listed}）")
        return before[-1]
    found = [p for p in pubs if p.build_id.startswith(since.strip())]
    if len(found) != 1:
        why = "不止一次发布" if found else "没有发布"
        raise UnknownPublication(f"构建号以 {since} 开头的{why}（{division} {year} 年最近的发布：{listed}）")
    return found[0]


def last_different(pubs: list[Publication]) -> Publication | None:
    """The last publication before the latest whose figures (cells or metrics) differ from the
    latest's: what 「与上次发布相比」 compares with (None: unchanged since the first)."""
    if not pubs:
        return None
    latest = pubs[-1]
    for p in reversed(pubs[:-1]):
        if (p.annual_build_id, p.plan_build_id) != (latest.annual_build_id, latest.plan_build_id):
            return p
    return None


def changed_cells(con: duckdb.DuckDBPyConnection, division: str, year: int, old: str | None,
                  new: str | None) -> pd.DataFrame:
    """Cells of the year that differ between two snapshots (build ids of
    ``annual_report_history``), the division's own first."""
    params = {"division": division, "year": year, "old": old, "new": new}
    return SQL.frame(con, "history/cells_between", params)


def changed_metrics(con: duckdb.DuckDBPyConnection, division: str, year: int, old: str | None,
                    new: str | None) -> pd.DataFrame:
    """Plan metrics of the year that differ between two snapshots of ``plan_metrics_history``."""
    params = {"division": division, "year": year, "old": old, "new": new}
    return SQL.frame(con, "history/metrics_between", params)


CELL_KEY = ("division", "year", "unit", "template", "table_code", "row_code", "col_code")


def cell_at(con: duckdb.DuckDBPyConnection, cell: dict, build: str | None) -> tuple[bool, float | None]:
    """Whether ``cell`` (an ``annual_report`` row) was in the snapshot ``build``, and its value there."""
    if build is None:
        return False, None
    row = SQL.run(con, "history/cell_at", {**{k: cell[k] for k in CELL_KEY}, "build": build}).fetchone()
    return (row is not None), (row[0] if row else None)


def lineage_at(con: duckdb.DuckDBPyConnection, cell: dict, at: datetime) -> pd.DataFrame:
    """The records behind ``cell`` (an ``annual_report`` row) as the publication at ``at`` showed them."""
    return SQL.frame(con, "history/lineage_at", {**{k: cell[k] for k in CELL_KEY}, "at": at})


def lineage_diff(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Records added to a cell, removed from it, and those whose amount changed (``old_amount``
    beside ``amount``), each with division, year, source, record_id, record_unit, amount."""
    columns = ["division", "year", *RECORD_KEY, "amount"]
    old, new = old[columns], new[columns]
    both = new.merge(old, on=["division", "year", *RECORD_KEY], how="outer", suffixes=("", "_old"),
                     indicator=True)
    added = both[both["_merge"] == "left_only"][columns]
    removed = both[both["_merge"] == "right_only"].assign(amount=lambda f: f["amount_old"])[columns]
    kept = both[both["_merge"] == "both"]
    changed = kept[(kept["amount"] - kept["amount_old"]).abs() > 1e-9]
    changed = changed.assign(old_amount=changed["amount_old"])[[*columns, "old_amount"]]
    return {"added": added.reset_index(drop=True), "removed": removed.reset_index(drop=True),
            "changed": changed.reset_index(drop=True)}
