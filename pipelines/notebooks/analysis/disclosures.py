"""Queries of the disclosures notebook: volume, timeliness by rule, key-domain coverage.

An item belongs to the year it was first published in (``disclosures.published_on``), as in
the annual tables. Timeliness is the build's verdict (``timely``, ``deadline_on``) under the
rule of the item's category (``timeliness_rule``; ``*`` is the general 20-working-day rule).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.notebooks.analysis import division_year_frame
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

_RULES = """
    rules AS (
        SELECT category AS timeliness_rule, basis,
               CASE WHEN category = '*' THEN '一般规定' ELSE category END
               || '（' || CASE WHEN clock_from LIKE 'event:%' THEN substr(clock_from, 7) || '后' ELSE '' END
               || limit_days || CASE day_kind WHEN 'working' THEN '个工作日' ELSE '日' END || '内）'
                   AS rule_label
        FROM ref_timeliness
    )"""

_ITEMS = """
    items AS (
        SELECT * FROM disclosures WHERE division = $division AND year(published_on) = $year
    )"""


def summary(con: duckdb.DuckDBPyConnection, division: str, year: int) -> KeyFigures:
    """Items published in the year, how many on time, and by how many units and categories."""
    row = con.execute(f"""
        WITH {_ITEMS}
        SELECT count(*), count(*) FILTER (WHERE timely), count(*) FILTER (WHERE NOT timely),
               count(DISTINCT unit), count(DISTINCT category), count(*) FILTER (WHERE normative),
               count(*) FILTER (WHERE len(channels) > 1)
        FROM items
    """, {"division": division, "year": year}).fetchone()
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
    sql = f"WITH {_ITEMS} SELECT * FROM items ORDER BY published_on, index_no"
    return division_year_frame(con, sql, division, year)


def channel_rows(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """``disclosure_channels`` rows published in the year: an item counts once per channel."""
    return division_year_frame(con, """
        SELECT * FROM disclosure_channels WHERE division = $division AND year(published_on) = $year
        ORDER BY index_no, channel
    """, division, year)


def by_category(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Items, publishing units and timeliness per category, largest first."""
    return division_year_frame(con, f"""
        WITH {_ITEMS}
        SELECT category, count(*) AS items, count(DISTINCT unit) AS units_publishing,
               count(*) FILTER (WHERE timely) AS timely, count(*) FILTER (WHERE NOT timely) AS late,
               count(*) FILTER (WHERE timely) / count(*) AS on_time_rate
        FROM items GROUP BY category ORDER BY items DESC, category
    """, division, year)


def timeliness(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Items on time and late under each timeliness rule, with the rule's legal basis."""
    return division_year_frame(con, f"""
        WITH {_ITEMS}, {_RULES}
        SELECT r.rule_label, count(i.index_no) AS items,
               count(i.index_no) FILTER (WHERE i.timely) AS timely,
               count(i.index_no) FILTER (WHERE NOT i.timely) AS late,
               count(i.index_no) FILTER (WHERE i.timely) / nullif(count(i.index_no), 0) AS on_time_rate,
               r.basis
        FROM rules r LEFT JOIN items i USING (timeliness_rule)
        GROUP BY r.timeliness_rule, r.rule_label, r.basis
        ORDER BY r.timeliness_rule <> '*', items DESC, r.rule_label
    """, division, year)


def deadline_margin(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Every item's publication date against its deadline: ``days_late`` in calendar days
    (negative: published that many days before the deadline)."""
    return division_year_frame(con, f"""
        WITH {_ITEMS}, {_RULES}
        SELECT i.index_no, i.unit, i.category, r.rule_label, i.formed_on, i.deadline_on, i.published_on,
               i.published_on - i.deadline_on AS days_late, i.timely
        FROM items i JOIN rules r USING (timeliness_rule)
        ORDER BY r.timeliness_rule <> '*', r.rule_label, i.index_no
    """, division, year)


def late_items(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Items published after their deadline, latest first."""
    return division_year_frame(con, f"""
        WITH {_ITEMS}, {_RULES}
        SELECT i.index_no, i.unit, i.title, i.category, r.rule_label, i.formed_on, i.deadline_on,
               i.published_on, i.published_on - i.deadline_on AS days_late
        FROM items i JOIN rules r USING (timeliness_rule)
        WHERE NOT i.timely
        ORDER BY days_late DESC, i.index_no
    """, division, year)


def _domains_sql() -> str:
    values = ", ".join(f"('{c}', '{ref}', {i})" for i, (c, ref) in enumerate(KEY_DOMAINS))
    return f"domains(domain, plan_ref, ord) AS (VALUES {values})"


def key_domains(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Each key domain of the plan: items, publishing units, timeliness, first and last item."""
    return division_year_frame(con, f"""
        WITH {_ITEMS}, {_domains_sql()}
        SELECT d.domain, d.plan_ref, count(i.index_no) AS items, count(DISTINCT i.unit) AS units_publishing,
               count(i.index_no) FILTER (WHERE i.timely) / nullif(count(i.index_no), 0) AS on_time_rate,
               min(i.published_on) AS first_published_on, max(i.published_on) AS last_published_on
        FROM domains d LEFT JOIN items i ON i.category = d.domain
        GROUP BY d.domain, d.plan_ref, d.ord ORDER BY d.ord
    """, division, year)


def key_domain_coverage(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """Items per unit × key domain, every registered unit included (0 where none), units in
    the registry's order."""
    return division_year_frame(con, f"""
        WITH {_ITEMS}, {_domains_sql()},
        units AS (SELECT unit, kind AS unit_kind, rowid AS unit_ord FROM ref_units WHERE division = $division)
        SELECT u.unit, u.unit_kind, d.domain, count(i.index_no) AS items
        FROM units u CROSS JOIN domains d
        LEFT JOIN items i ON i.unit = u.unit AND i.category = d.domain
        GROUP BY u.unit, u.unit_kind, u.unit_ord, d.domain, d.ord
        ORDER BY u.unit_ord, d.ord
    """, division, year)


def domain_names() -> list[str]:
    """The key domains in the plan's order."""
    return [c for c, _ in KEY_DOMAINS]
