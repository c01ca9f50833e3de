"""Queries of the disclosures notebook: volume, timeliness by rule, key-domain coverage.

An item belongs to the year it was first published in (``disclosures.published_on``), as in
the annual tables. Timeliness is the build's verdict (``timely``, ``deadline_on``) under the
rule of the item's category (``timeliness_rule``; ``*`` is the general 20-working-day rule).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.notebooks.analysis import one_row, query
from pipelines.notebooks.analysis.display import KeyFigure, KeyFigures

# The plan's key domains (2018 plan, section 二) and the disclosure categories they publish
# under. A category of the CMS, not a task: coverage counts what units actually published.
KEY_DOMAINS = [
    ("预决算", "二（一）1"),
    ("政府债务", "二（一）2"),
    ("审计信息", "二（一）3"),
    ("重大建设项目", "二（二）"),
    ("公共资源配置", "二（三）"),
    ("社会公益事业", "二（四）"),
]


def summary(con: duckdb.DuckDBPyConnection, division: str, year: int) -> KeyFigures:
    """Items published in the year, how many on time, and by how many units and categories."""
    row = one_row(con, "disclosures/summary", division, year)
    items, timely, late, units, categories, normative, multi = row
    return KeyFigures([
        KeyFigure("items", "主动公开信息（按索引号）", items, "条"),
        KeyFigure("timely", "按时公开", timely, "条"),
        KeyFigure("late", "超期公开", late, "条"),
        KeyFigure("on_time_rate", "按时公开率", timely / items if items else None, "%"),
        KeyFigure("units", "发布单位", units, "个"),
        KeyFigure("categories", "信息类别", categories, "类"),
        KeyFigure("normative", "其中规范性文件", normative, "件"),
        KeyFigure("multi_channel", "通过两个及以上渠道公开", multi, "条"),
    ], caption="主动公开概况")


def items(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """``disclosures`` rows first published in the year (the rows the charts aggregate)."""
    return query(con, "disclosures/items", division, year)


def channel_rows(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """``disclosure_channels`` rows published in the year: an item counts once per channel."""
    return query(con, "disclosures/channel_rows", division, year)


def by_category(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Items, publishing units and timeliness per category, largest first."""
    return query(con, "disclosures/by_category", division, year)


def timeliness(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Items on time and late under each timeliness rule, with the rule's legal basis."""
    return query(con, "disclosures/timeliness", division, year)


def deadline_margin(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Every item's publication date against its deadline: ``days_late`` in calendar days
    (negative: published that many days before the deadline)."""
    return query(con, "disclosures/deadline_margin", division, year)


def late_items(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Items published after their deadline, latest first."""
    return query(con, "disclosures/late_items", division, year)


def _domains() -> dict[str, list[str]]:
    return {"domains": [c for c, _ in KEY_DOMAINS], "plan_refs": [ref for _, ref in KEY_DOMAINS]}


def key_domains(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Each key domain of the plan: items, publishing units, timeliness, first and last item."""
    return query(con, "disclosures/key_domains", division, year, _domains())


def key_domain_coverage(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Items per unit × key domain, every registered unit included (0 where none), units in
    the registry's order."""
    return query(con, "disclosures/key_domain_coverage", division, year, _domains())


def domain_names() -> list[str]:
    """The key domains in the plan's order."""
    return [c for c, _ in KEY_DOMAINS]
