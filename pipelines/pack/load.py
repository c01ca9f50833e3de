"""Everything one division-year's pack shows, read from the published marts (read-only).

Every fact comes from a mart: the years and their template (``report_years``, and the
template itself as the build used it, ``templates_from_marts``), the identities the build
found broken, the division's names (``ref_divisions``), the plan's section headings
(``plan_tasks``), the monthly returns (``return_periods``), the statutory limits
(``requests.limit_days``), the as-of date (``build_info``, never the environment) and what
changed since the last publication (the history of published figures). The queries are the
files of ``sql/``; this module only passes the division and year.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.annual.identities import BrokenIdentity, broken_identities
from pipelines.annual.templates import ReportTemplate, templates_from_marts
from pipelines.db import SqlFolder, string_literal, table_columns, table_exists
from pipelines.marts.published import build_info
from pipelines.pack.changes import load_changes
from pipelines.pack.figures import key_figures
from pipelines.pack.layout import build_sheets
from pipelines.pack.model import KeyFigure, PackData, StatSheet
from pipelines.pack.page import build_charts
from pipelines.reference.units import whole_label
from pipelines.settings import Settings
from pipelines.vocabulary import TASK_STATES

SQL = SqlFolder(__file__)

CONTRACT_COLUMNS = ("division", "unit", "year", "template", "table_code", "row_code", "col_code", "label",
                    "value", "measure_unit")
# Used when the mart has them (the annual_report asset adds them); never required.
OPTIONAL_COLUMNS = ("col_label", "col_group", "col_order", "row_order", "kind", "table_title")

HISTORY_LABELS = {"disclosed": "主动公开政府信息", "requests_received": "收到政府信息公开申请",
                  "reviews": "行政复议", "suits": "行政诉讼"}


@dataclass(frozen=True)
class ReportYear:
    """One row of ``report_years``: a year the pack covers and the template in force."""

    division: str
    year: int
    template: str | None
    template_name: str | None
    has_plan: bool
    has_annual: bool


def report_years(con: duckdb.DuckDBPyConnection, division: str | None = None) -> list[ReportYear]:
    """The ``report_years`` mart (of one division, or all), oldest first."""
    rows = SQL.frame(con, "report_years").itertuples(index=False)
    return [ReportYear(str(r.division), int(r.year), r.template, r.template_name, bool(r.has_plan),
                       bool(r.has_annual)) for r in rows if division is None or r.division == division]


def pack_targets(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(division, year) pairs to pack: every year of ``report_years``."""
    return [(r.division, r.year) for r in report_years(con)]


def has_ledgers(con: duckdb.DuckDBPyConnection, division: str, year: int) -> bool:
    """Whether the ledgers (disclosures, requests) hold anything of that year."""
    return bool(SQL.run(con, "has_ledgers", {"division": division, "year": year}).fetchone()[0])


def mart_figures(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:
    """Key figures counted straight from the marts (distinct items, requests, cases)."""
    row = SQL.frame(con, "mart_figures", {"division": division, "year": year}).iloc[0]
    return {k: float(v) for k, v in row.items() if v is not None and not pd.isna(v)}


def state_count_columns(alias: str = "") -> str:
    """``count(*) FILTER (WHERE state = 'done_on_time') AS done_on_time, …``: one count per task
    state of the vocabulary, in its order (``alias``: the task_status table's, e.g. ``s.``)."""
    return ",\n       ".join(f"count(*) FILTER (WHERE {alias}state = {string_literal(s)}) AS {s}"
                              for s in TASK_STATES)


def task_figures(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, int]:
    """The plan's task figures of one year (``sql/task_figures.sql``): tasks, units, pairs and
    their wholes and parts (``wholes.WHOLES``), one count per state of the vocabulary."""
    row = SQL.frame(con, "task_figures", {"division": division, "year": year},
                    states=state_count_columns()).iloc[0]
    return {k: int(v) for k, v in row.items()}


def annual_cells(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """The whole-division cells of ``annual_report`` for one year (empty if there are none)."""
    if not table_exists(con, "annual_report"):
        return pd.DataFrame(columns=list(CONTRACT_COLUMNS))
    extra = [c for c in OPTIONAL_COLUMNS if c in table_columns(con, "annual_report")]
    return SQL.frame(con, "annual_cells", {"division": division, "year": year},
                     columns=", ".join([*CONTRACT_COLUMNS, *extra]))


def _broken_tables(broken: list[BrokenIdentity], division: str, year: int) -> dict[str, list[str]]:
    """The whole-division tables of one year that break an identity: messages by table code."""
    out: dict[str, list[str]] = {}
    for b in broken:
        if b.division == division and b.year == year and b.unit is None:
            out.setdefault(str(b.table_code), []).append(b.message)
    return out


def _template(templates: dict[str, ReportTemplate], year: ReportYear) -> ReportTemplate:
    # The template the build used for that year, from the marts (not the reference files).
    if year.template is None or year.template not in templates:
        raise LookupError(f"{year.division} {year.year} 年没有适用的年报模板（report_years.template 为"
                          f"“{year.template or '空'}”）：请检查 templates/templates.csv 的适用年度后重新构建")
    return templates[year.template]


@dataclass
class _Year:
    sheets: list[StatSheet]
    figures: dict[str, KeyFigure]
    ledgers: bool


def _year(con: duckdb.DuckDBPyConnection, division: str, year: ReportYear, template: ReportTemplate,
          broken: list[BrokenIdentity]) -> _Year:
    sheets = build_sheets(annual_cells(con, division, year.year), template,
                          _broken_tables(broken, division, year.year))
    figures = key_figures(sheets, template, mart_figures(con, division, year.year))
    return _Year(sheets, figures, has_ledgers(con, division, year.year))


def _history(years: dict[int, _Year]) -> pd.DataFrame:
    rows = []
    for y, data in sorted(years.items()):
        for key, label in HISTORY_LABELS.items():
            fig = data.figures.get(key)
            if fig is not None and (fig.source == "统计表" or data.ledgers):
                rows.append({"year": y, "key": key, "label": label, "value": fig.value, "unit": fig.unit})
    return pd.DataFrame(rows, columns=["year", "key", "label", "value", "unit"])


def _division(con: duckdb.DuckDBPyConnection, division: str) -> tuple[str, str]:
    row = SQL.run(con, "division", {"division": division}).fetchone()
    return (str(row[0]), str(row[1])) if row else (division, whole_label(division, None, None))


@dataclass
class _Figures:
    known: dict[int, ReportYear]
    templates: dict[str, ReportTemplate]
    years: dict[int, _Year]
    figures: dict[str, KeyFigure]
    previous_year: int | None


def _key_figures(con: duckdb.DuckDBPyConnection, division: str, year: int) -> _Figures:
    known = {r.year: r for r in report_years(con, division)}
    if year not in known:
        listed = "、".join(str(y) for y in known) or "无"
        raise LookupError(f"数据集市的 report_years 中没有 {division} {year} 年（已有：{listed}）")
    templates = templates_from_marts(con)
    # The identities the build judged with; a table that breaks one is withheld.
    broken = broken_identities(con) if table_exists(con, "annual_report") else []
    years = {y: _year(con, division, r, _template(templates, r), broken)
             for y, r in known.items() if y <= year}
    this = years[year]
    figures = this.figures
    if not this.ledgers:
        # No ledger holds that year: a count from them would be a false 0.
        figures = {k: f for k, f in figures.items() if f.source == "统计表"}

    previous_year = year - 1 if (year - 1) in years else None
    if previous_year is not None:
        prev = years[previous_year]
        for key, fig in figures.items():
            # Compare like with like: a 2021 'issued' is not a 2020 'published' (the templates'
            # compare_as, else the labels, say what a figure measures), and a count from ledgers
            # that did not exist yet is no "0 last year".
            same = key in prev.figures and prev.figures[key].comparable_as == fig.comparable_as
            if same and (prev.figures[key].source == "统计表" or prev.ledgers):
                fig.previous = prev.figures[key].value
    return _Figures(known, templates, years, figures, previous_year)


def key_figures_of(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, KeyFigure]:
    """The headline figures one year's pack shows (the page's cards, the draft's sentences),
    exactly as ``load_pack`` gives them; for the figure registry (``consistency``)."""
    return _key_figures(con, division, year).figures


def load_pack(con: duckdb.DuckDBPyConnection, settings: Settings, division: str, year: int) -> PackData:
    """Read everything one division-year's pack shows from the published marts (``settings``
    name the data directory; the as-of date is the build's, from ``build_info``)."""
    f = _key_figures(con, division, year)
    known, templates, years, this = f.known, f.templates, f.years, f.years[year]
    figures, previous_year = f.figures, f.previous_year

    params = {"division": division, "year": year}
    name, whole = _division(con, division)
    sections = SQL.frame(con, "section_labels", params)
    pack = PackData(
        division=division, division_name=name, whole=whole, year=year, as_of=build_info(con, division).as_of,
        template=_template(templates, known[year]), template_name=known[year].template_name,
        sheets=this.sheets,
        figures=figures, previous_year=previous_year, history=_history(years),
        disclosures=SQL.frame(con, "disclosures", params), channels=SQL.frame(con, "channels", params),
        requests=SQL.frame(con, "requests", params), appeals=SQL.frame(con, "appeals", params),
        task_status=SQL.frame(con, "task_status", params), task_figures=task_figures(con, division, year),
        plan_title=SQL.run(con, "plan_title", params).fetchone()[0],
        plan_metrics=SQL.frame(con, "plan_metrics", params), returns=SQL.frame(con, "returns", params),
        section_labels=dict(zip(sections["section"], sections["section_label"], strict=True)),
        changes=load_changes(con, division, year),
    )
    if not this.sheets:
        pack.notes.append(f"数据集市中没有 {year} 年的年度报告统计表（annual_report），"
                          "xlsx 和 docx 中的统计表从缺，关键数字取自台账。")
    for t in pack.refused_tables:
        pack.notes.append(f"统计表“{t.title}”未导出：{'；'.join(t.broken[:3])}"
                          + ("等" if len(t.broken) > 3 else "") + "。")
    pack.charts = build_charts(pack)
    return pack
