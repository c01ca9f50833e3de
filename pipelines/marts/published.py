"""Which build the published marts of a division come from, as readers need it.

``build_info`` is written into a division's marts when they are published
(``pipelines.resources``): the as-of date they were judged at, when and by which code. The
leaders' pack, the notebooks and ``explain`` take the as-of date from here, never from the
environment, so a page opened or made later still says "as of" the day the figures were built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from pipelines.db import SqlFolder, table_exists

SQL = SqlFolder(__file__)


class NoBuildInfo(LookupError):
    """The marts hold no ``build_info`` row for the division (never published by this code)."""


@dataclass(frozen=True)
class BuildInfo:
    """One division's published build: its as-of date, build time, run id and code version."""

    division: str
    as_of: date
    built_at: datetime | None
    build_id: str | None
    code_version: str | None

    @property
    def as_of_text(self) -> str:
        """The as-of date as Chinese prose writes it (``2020年1月10日``)."""
        return f"{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日"


def build_info(con: duckdb.DuckDBPyConnection, division: str) -> BuildInfo:
    """The ``build_info`` of ``division`` in the (published) marts ``con`` reads."""
    row = SQL.run(con, "published_build", {"division": division}).fetchone() if table_exists(
        con, "build_info") else None
    if row is None:
        raise NoBuildInfo(f"数据集市中没有区划 {division} 的构建信息（build_info）：请用当前版本重新构建"
                          "（python -m pipelines build --force）")
    return BuildInfo(str(row[0]), row[1], row[2], row[3], row[4])
