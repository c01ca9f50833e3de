"""The figure registry: which figures are wholes made of parts, which page shows which figure,
and the check that they add up and agree from page to page.

A leader reads the same number in the plan-progress notebook, the Word draft, the report
page and the plan's own metric; a signed report must let it be reconciled. So:

- ``WHOLES`` says, once, which figures are the sum of which (the pairs of a plan are those
  with a deadline, those without and those not applicable; those due are done on time, done
  late or overdue; …). docs/figures.md (指标口径) defines each figure, its base and the mart
  query behind it.
- ``PAGES`` names every page that states figures and how to read what it states, from the
  code that makes the page (the notebook's key figures, the draft's sentences, the chart's
  bars, the metric's columns), on the connection it is given.
- ``page_figures`` collects them into the ``page_figures`` table (division, year, page,
  figure, value) during the build; ``inconsistencies`` reads that table and names every
  part larger than its whole, every whole that its parts do not add up to, and every figure
  whose value differs between two pages. The blocking check ``page_figures_consistent``
  (beside the annual tables' identities) runs it before the marts are published, so the
  pack is never made from figures that contradict each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.db import write_frame
from pipelines.notebooks.analysis import disclosures, progress, requests
from pipelines.pack import charts, html, load, narrative
from pipelines.pack.wholes import APPEAL_KINDS, CARD_BY_MEASURE, CARD_FIGURES, SUBSETS, WHOLES
from pipelines.vocabulary import CARD_PREFIX, FIGURE_LABELS, TOTAL_LABEL, format_number

COLUMNS = [("division", "VARCHAR"), ("year", "INTEGER"), ("page", "VARCHAR"), ("figure", "VARCHAR"),
           ("label", "VARCHAR"), ("value", "DOUBLE")]


@dataclass(frozen=True)
class Page:
    """A page that states figures: its Chinese name and how to read them (connection,
    division, year → figure → value, or (value, the page's own words for it)), from the code
    that makes the page."""

    key: str
    name: str
    read: Callable[[duckdb.DuckDBPyConnection, str, int], dict[str, float | tuple[float, str]]]


def _pack_rows(con: duckdb.DuckDBPyConnection, name: str, division: str, year: int) -> pd.DataFrame:
    """The rows the pack reads for a year (its ``sql/<name>.sql``), as the pages get them."""

    return load.SQL.frame(con, name, {"division": division, "year": year})


def _notebook_progress(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    return progress.summary(con, division, year).values()


def _draft_plan(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    return narrative.plan_figures(load.task_figures(con, division, year))


def _draft_requests(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    return narrative.requests_figures(_pack_rows(con, "requests", division, year))


def _notebook_requests(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    shown = requests.summary(con, division, year).values()
    # the notebook names its figures without the registry's requests_ prefix
    return {f"requests_{k}": v for k, v in shown.items() if f"requests_{k}" in FIGURE_LABELS}


def _notebook_disclosures(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    shown = disclosures.summary(con, division, year).values()
    return {f"disclosures_{k}": shown[k] for k in ("items", "timely", "late")}


def _draft_timeliness(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    return narrative.timeliness_figures(_pack_rows(con, "disclosures", division, year))


def _cards(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    # a card's words are the template's: (value, label)
    figures = load.key_figures_of(con, division, year)
    return {CARD_FIGURES.get(key) or CARD_BY_MEASURE.get(fig.compare_as) or CARD_PREFIX + key:
            (fig.value, fig.label) for key, fig in figures.items() if fig.value is not None}


def _appeals_table(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    rows = [r for r in html.appeals_rows(_pack_rows(con, "appeals", division, year)) if r["total"]]
    return {("appeals" if r["kind"] == TOTAL_LABEL else APPEAL_KINDS.get(r["kind"], r["kind"])): r["n"]
            for r in rows}


def _chart_sections(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:

    rows = _pack_rows(con, "task_status", division, year)
    return charts.bar_totals(charts.task_states_by_section(rows), charts.TASK_STATES)


def _metric(metric: str, value: str, base: str) -> Callable[[duckdb.DuckDBPyConnection, str, int],
                                                           dict[str, float]]:
    """A plan metric as a page: its measured value and base are the figures ``value`` and ``base``."""

    def read(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:
        rows = _pack_rows(con, "plan_metrics", division, year)
        rows = rows[rows["metric"] == metric]
        if rows.empty:
            return {}
        r = rows.iloc[0]
        return {k: float(v) for k, v in ((value, r.actual_value), (base, r.actual_base)) if pd.notna(v)}

    return read


PAGES = [
    Page("notebook:plan_progress", "笔记本《方案落实进展》总体情况", _notebook_progress),
    Page("docx:plan", "年报草稿（Word）工作方案落实段落", _draft_plan),
    Page("notebook:requests", "笔记本《依申请公开》总体情况", _notebook_requests),
    Page("docx:requests", "年报草稿（Word）依申请公开答复期限段落", _draft_requests),
    Page("notebook:disclosures", "笔记本《主动公开》主动公开概况", _notebook_disclosures),
    Page("docx:timeliness", "年报草稿（Word）主动公开时效段落", _draft_timeliness),
    Page("html:key_figures", "材料网页关键数字（年报草稿引用同一组数字）", _cards),
    Page("html:appeals", "材料网页表格“行政复议、行政诉讼”", _appeals_table),
    Page("html:task_states_by_section", "材料网页图表“工作任务完成情况（按方案部分）”", _chart_sections),
    Page("metric:tasks_done_by_deadline", "计划指标“到期任务均按时完成并附佐证”",
         _metric("tasks_done_by_deadline", "due_with_evidence", "due")),
    Page("metric:requests_within_clock", "计划指标“依申请公开按时答复”",
         _metric("requests_within_clock", "requests_on_time_or_open", "requests_received")),
]
PAGE_NAMES = {p.key: p.name for p in PAGES}


def page_figures(con: duckdb.DuckDBPyConnection, pages: list[Page] = PAGES) -> pd.DataFrame:
    """Every figure every page states, for every plan year of every division in ``con``."""
    rows = []
    # the years the pack and the notebooks cover (a year of the annual tables alone too)
    years = con.execute("SELECT DISTINCT division, year FROM report_years ORDER BY ALL").fetchall()
    for division, year in years:
        for page in pages:
            for figure, shown in page.read(con, division, int(year)).items():
                if not registered(figure):
                    continue  # a rate or a count no other page states: nothing to reconcile
                value, label = shown if isinstance(shown, tuple) else (shown, FIGURE_LABELS[figure])
                rows.append({"division": division, "year": int(year), "page": page.key, "figure": figure,
                             "label": label, "value": None if value is None else float(value)})
    return pd.DataFrame(rows, columns=[c for c, _ in COLUMNS])


def registered(figure: str) -> bool:
    """Whether the registry knows the figure (and docs/figures.md defines it)."""
    return figure in FIGURE_LABELS or figure.startswith(CARD_PREFIX)


def write_page_figures(con: duckdb.DuckDBPyConnection) -> int:
    """Write the ``page_figures`` table; returns its row count."""
    frame = page_figures(con)
    write_frame(con, "page_figures", frame, COLUMNS)
    return len(frame)


class _Shown:
    """What one page states for one division-year: values and its own words, by figure."""

    def __init__(self, where: str, rows: pd.DataFrame) -> None:
        self.where = where
        self.values = dict(zip(rows["figure"], rows["value"], strict=True))
        self.labels = dict(zip(rows["figure"], rows["label"], strict=True))

    def name(self, figure: str) -> str:
        return f"「{self.labels.get(figure) or FIGURE_LABELS.get(figure, figure)}」（{figure}）"

    def number(self, figure: str) -> str:
        return f"{self.name(figure)} {format_number(self.values[figure])}"

    def larger_parts(self, whole: str, parts: tuple[str, ...]) -> list[str]:
        """A part stated larger than its whole."""
        return [f"{self.where}：{self.number(p)} 大于其合计 {self.number(whole)}"
                for p in parts if p in self.values and self.values[p] > self.values[whole]]

    def unbalanced(self, whole: str, parts: tuple[str, ...]) -> list[str]:
        """A whole stated with every part, that they do not add up to."""
        if any(p not in self.values for p in parts):
            return []
        total = sum(self.values[p] for p in parts)
        if abs(total - self.values[whole]) <= 1e-9:
            return []
        summed = "+".join(format_number(self.values[p]) for p in parts)
        return [f"{self.where}：{self.number(whole)} ≠ 各组成项之和 {summed}={format_number(total)}"]


def inconsistencies(figures: pd.DataFrame) -> list[str]:
    """One Chinese line per broken rule in a ``page_figures`` frame, naming the page and the
    figure: a part larger than its whole (``WHOLES``, ``SUBSETS``), a whole its parts (all
    stated on the page) do not add up to, and a figure two pages state with different
    values. Empty when everything agrees."""
    lines: list[str] = []
    for (division, year, page), rows in figures.groupby(["division", "year", "page"], sort=True):
        shown = _Shown(f"{division} {year} 年 {PAGE_NAMES.get(page, page)}（{page}）", rows)
        for whole, parts in [*WHOLES.items(), *SUBSETS.items()]:
            if whole in shown.values:
                lines += shown.larger_parts(whole, parts)
        for whole, parts in WHOLES.items():
            if whole in shown.values:
                lines += shown.unbalanced(whole, parts)
    for (division, year, figure), rows in figures.groupby(["division", "year", "figure"], sort=True):
        if rows["value"].nunique(dropna=False) > 1:
            stated = "；".join(f"{PAGE_NAMES.get(p, p)}（{p}）为 {format_number(v)}"
                              for p, v in zip(rows["page"], rows["value"], strict=True))
            label = FIGURE_LABELS.get(figure) or rows["label"].iloc[0]
            lines.append(f"{division} {year} 年「{label}」（{figure}）在各页面不一致：{stated}")
    return lines


def check_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the blocking check finds in the ``page_figures`` table of ``con``."""
    return inconsistencies(con.execute("SELECT * FROM page_figures ORDER BY ALL").df())

