"""``report.html``: one self-contained page a leader can open anywhere, even offline.

plotly.js is inlined once in the page (no CDN); the styles are inline; fonts are the
system's own (no web fonts); nothing is fetched. At the top the key figures with last
year's (同比), then what changed since the last publication (「与上次发布相比」), then the
charts by theme, the plan's targets and the statistics tables.
The page is ``templates/report.html.j2``, rendered with autoescaping: this module only
gathers what it shows.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import plotly.io as pio
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from pipelines.pack.changes import PackChanges
from pipelines.pack.charts import FONT_FAMILY
from pipelines.pack.figures import TABLE_SOURCE
from pipelines.pack.model import Chart, PackData
from pipelines.pack.page import SECTIONS
from pipelines.vocabulary import METRIC_RESULTS, SUBTOTAL_LABEL, TOTAL_LABEL, format_number, metric_measure

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}

VERDICT_CLASSES = {True: "ok", False: "miss", None: "na"}
SOURCE_WORDS = {TABLE_SOURCE: "年报统计表"}  # anything else was counted from the ledgers
LEDGER_WORD = "工作台账"

ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
ENV.globals["figure"] = lambda value: "" if value is None else format_number(value)


def write_page(pack: PackData, path: Path) -> None:
    """Write the self-contained report page of one division-year."""
    path.write_text(render_page(pack), encoding="utf-8")


def render_page(pack: PackData) -> str:
    """The page as one HTML string (plotly.js inlined, no external resource)."""
    sections = []
    for key, heading in SECTIONS:
        charts = [_chart(c) for c in pack.charts if c.section == key]
        if charts:
            sections.append({"key": key, "heading": heading, "charts": charts})
    return ENV.get_template("report.html.j2").render(
        title=f"{pack.division_name}{pack.year}年政务公开工作情况",
        as_of=f"{pack.as_of.year}年{pack.as_of.month}月{pack.as_of.day}日",
        division=pack.division,
        template_name=pack.template_name,
        generated=f"{datetime.now():%Y-%m-%d %H:%M}",
        # Markup, not text: the style sheet's font list is CSS (its quotes must stay quotes),
        # plotly.js and the chart divs are plotly's own code.
        font_family=Markup(FONT_FAMILY),
        plotly_js=Markup(get_plotlyjs()),
        notes=pack.notes,
        notes_bad=bool(pack.refused_tables),
        cards=_cards(pack),
        sections=sections,
        appeals=_appeals(pack),
        metrics=_metrics(pack),
        changes=pack.changes or PackChanges(None, None, None),
        sheets=pack.sheets,
    )


def _cards(pack: PackData) -> list[dict]:
    cards = []
    for fig in pack.figures.values():
        trend = ""
        if fig.change and fig.previous is not None and fig.value is not None:
            trend = "up" if fig.value > fig.previous else "down" if fig.value < fig.previous else ""
        cards.append({"label": fig.label, "value": format_number(fig.value, fig.unit), "unit": fig.unit,
                      "change": fig.change, "trend": trend, "previous": fig.previous_text, "yoy": fig.yoy,
                      "source": SOURCE_WORDS.get(fig.source, LEDGER_WORD)})
    return cards


def _chart(chart: Chart) -> dict:
    div = pio.to_html(chart.figure, full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG,
                      default_width="100%", default_height=f"{int(chart.figure.layout.height or 480)}px")
    return {"title": chart.title, "wide": chart.wide, "div": Markup(div)}


def _appeals(pack: PackData) -> list[dict]:
    return appeals_rows(pack.appeals)


def appeals_rows(a: pd.DataFrame) -> list[dict]:
    """The page's table of the year's cases (``appeals`` rows): by kind, route and result,
    each kind closed by its 小计 and the table by its 合计, so the rows are seen to add up."""
    if a.empty:
        return []
    counts = a.fillna("").groupby(["kind", "suit_route", "result"]).size().reset_index(name="n")
    rows = []
    for kind, part in counts.groupby("kind", sort=True):
        rows += [{"kind": str(kind), "route": str(r.suit_route or ""), "result": str(r.result or "尚未审结"),
                  "n": int(r.n), "total": False} for r in part.itertuples()]
        rows.append({"kind": str(kind), "route": "", "result": SUBTOTAL_LABEL, "n": int(part["n"].sum()),
                     "total": True})
    rows.append({"kind": TOTAL_LABEL, "route": "", "result": "", "n": len(a), "total": True})
    return rows


def _metrics(pack: PackData) -> list[dict]:
    rows = []
    for r in pack.plan_metrics.itertuples():
        passed = True if r.passed is True else False if r.passed is False else None  # NULL: unmeasurable
        short = [str(s) for s in r.shortfalls if s is not None] if r.shortfalls is not None else []
        rows.append({
            "task": "全方案" if r.task_code is None or pd.isna(r.task_code) else str(r.task_code),
            "description": str(r.description), "target": str(r.target or ""),
            "actual": metric_measure(r),
            "verdict": METRIC_RESULTS[passed], "css": VERDICT_CLASSES[passed],
            "shortfalls": "；".join(short[:5]) + (f"等，共{len(short)}项" if len(short) > 5 else ""),
        })
    return rows
