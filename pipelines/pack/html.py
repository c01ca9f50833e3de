"""``report.html``: one self-contained page a leader can open anywhere, even offline.

plotly.js is inlined once in the page (no CDN); the styles are inline; fonts are the
system's own (no web fonts); nothing is fetched. At the top the key figures with last
year's change, then the charts by theme, then the plan's targets and the statistics tables.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from pipelines.pack.charts import FONT_FAMILY
from pipelines.pack.model import Chart, PackData, StatTable
from pipelines.vocabulary import format_number

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}

# Charts with long row labels get the whole width of the page.
WIDE_CHARTS = {"08-工作任务完成情况", "09-方案量化指标", "11-主要指标年度对比"}

SECTIONS = [
    ("disclosures", "一、主动公开"),
    ("requests", "二、依申请公开"),
    ("plan", "三、工作方案落实"),
    ("history", "四、年度对比"),
]

# auto-fill, not auto-fit: each chart measures its cell while the page is still loading, and
# with auto-fit the first chart of a row would see the whole row as its cell and overflow.
CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f9; color: #222; font-family: FONT_FAMILY; font-size: 15px;
       line-height: 1.6; }
header { background: #1f5fa8; color: #fff; padding: 22px 36px 18px; }
header h1 { margin: 0 0 6px; font-size: 26px; letter-spacing: 1px; }
header p { margin: 0; opacity: .9; font-size: 14px; }
main { max-width: 1280px; margin: 0 auto; padding: 18px 24px 40px; }
h2 { font-size: 21px; border-left: 5px solid #1f5fa8; padding-left: 10px; margin: 30px 0 12px; }
h3 { font-size: 17px; margin: 18px 0 8px; }
.notes { background: #fff4e5; border: 1px solid #f0b461; border-radius: 6px; padding: 10px 16px;
         margin: 12px 0; }
.notes p { margin: 4px 0; }
.notes.bad { background: #fdecea; border-color: #e57373; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
.card { background: #fff; border-radius: 8px; padding: 12px 16px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.card .label { color: #555; font-size: 14px; }
.card .value { font-size: 28px; font-weight: bold; color: #1f5fa8; }
.card .value small { font-size: 15px; color: #444; margin-left: 2px; }
.card .change { font-size: 13px; color: #666; }
.card .change.up { color: #2e7d32; } .card .change.down { color: #c62828; }
.card .source { font-size: 12px; color: #999; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 14px; }
.chart { background: #fff; border-radius: 8px; padding: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.08);
         min-width: 0; }
.chart.wide { grid-column: 1 / -1; }
td.verdict { white-space: nowrap; text-align: center; }
td.desc { min-width: 16em; }
table { border-collapse: collapse; background: #fff; margin: 6px 0 18px; font-size: 14px; }
th, td { border: 1px solid #c8ced6; padding: 4px 8px; }
th { background: #dce6f1; font-weight: bold; text-align: center; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.code { color: #777; text-align: center; font-size: 13px; }
tr.heading td { background: #f2f2f2; font-weight: bold; }
.ok { color: #2e7d32; font-weight: bold; } .miss { color: #c62828; font-weight: bold; } .na { color: #999; }
.scroll { overflow-x: auto; }
footer { color: #888; font-size: 13px; text-align: center; padding: 20px; }
@media print { body { background: #fff; } .chart, .card { box-shadow: none; border: 1px solid #ddd; } }
""".replace("FONT_FAMILY", FONT_FAMILY)


def write_page(pack: PackData, path: Path) -> None:
    """Write the self-contained report page of one division-year."""
    path.write_text(render_page(pack), encoding="utf-8")


def render_page(pack: PackData) -> str:
    """The page as one HTML string (plotly.js inlined, no external resource)."""
    title = f"{pack.division_name}{pack.year}年政务公开工作情况"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
        f"<header><h1>{escape(title)}</h1>"
        f"<p>数据截至 {pack.as_of.year}年{pack.as_of.month}月{pack.as_of.day}日"
        f"　·　区划代码 {escape(pack.division)}　·　年报统计表格式：{escape(pack.template_name)}"
        f"　·　生成于 {datetime.now():%Y-%m-%d %H:%M}</p></header>",
        "<main>",
        _notes(pack),
        "<h2>关键数字</h2>",
        _cards(pack),
    ]
    for key, heading in SECTIONS:
        charts = [c for c in pack.charts if c.section == key]
        if not charts:
            continue
        parts.append(f"<h2>{heading}</h2>")
        if key == "requests":
            parts.append(_appeals(pack))
        parts.append('<div class="charts">' + "".join(_chart(c) for c in charts) + "</div>")
        if key == "plan":
            parts.append(_metrics_table(pack))
    parts.append("<h2>年度报告统计表</h2>")
    parts.append(_tables(pack))
    parts.append("</main><footer>由政务公开数据管道根据已发布的数据集市（gongkai.duckdb）自动生成。"
                 "同目录下另有 annual-report.xlsx（统计表）、annual-report.docx（年报草稿）"
                 "和 charts/（图表图片）。</footer></body></html>")
    return "\n".join(parts)


def _notes(pack: PackData) -> str:
    if not pack.notes:
        return ""
    css = "notes bad" if pack.refused_tables else "notes"
    return f'<div class="{css}">' + "".join(f"<p>⚠ {escape(n)}</p>" for n in pack.notes) + "</div>"


def _cards(pack: PackData) -> str:

    cards = []
    for fig in pack.figures.values():
        change = fig.change
        css = ""
        if change and fig.previous is not None and fig.value is not None:
            css = "up" if fig.value > fig.previous else "down" if fig.value < fig.previous else ""
        cards.append(
            '<div class="card">'
            f'<div class="label">{escape(fig.label)}</div>'
            f'<div class="value">{escape(format_number(fig.value, fig.unit))}'
            f"<small>{escape(fig.unit)}</small></div>"
            + (f'<div class="change {css}">{escape(change)}</div>' if change else "")
            + f'<div class="source">来源：{"年报统计表" if fig.source == "统计表" else "工作台账"}</div>'
            "</div>")
    return '<div class="cards">' + "".join(cards) + "</div>" if cards else "<p>（无数据）</p>"


def _chart(chart: Chart) -> str:
    div = pio.to_html(chart.figure, full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG,
                      default_width="100%", default_height=f"{int(chart.figure.layout.height or 480)}px")
    css = "chart wide" if chart.name in WIDE_CHARTS else "chart"
    return f'<div class="{css}" role="figure" aria-label="{escape(chart.title)}">{div}</div>'


def _appeals(pack: PackData) -> str:
    a = pack.appeals
    if a.empty:
        return "<p>本年度未发生因政府信息公开引发的行政复议、行政诉讼。</p>"
    rows = "".join(
        f"<tr><td>{escape(str(r.kind))}</td><td>{escape(str(r.suit_route or ''))}</td>"
        f"<td>{escape(str(r.result or '尚未审结'))}</td><td class='num'>{int(r.n)}</td></tr>"
        for r in a.fillna("").groupby(["kind", "suit_route", "result"]).size().reset_index(name="n")
        .itertuples())
    return ("<h3>行政复议、行政诉讼</h3><table><tr><th>类别</th><th>起诉方式</th><th>结果</th>"
            "<th>件数</th></tr>" + rows + "</table>")


def _metrics_table(pack: PackData) -> str:
    pm = pack.plan_metrics
    if pm.empty:
        return ""
    body = []
    for r in pm.itertuples():
        verdict = ('<span class="ok">达标</span>' if r.passed is True else '<span class="miss">未达标</span>'
                   if r.passed is False else '<span class="na">无法计算</span>')
        short = list(r.shortfalls) if r.shortfalls is not None else []
        shown = "；".join(escape(s) for s in short[:5]) + (f"等，共{len(short)}项" if len(short) > 5 else "")
        task = "全方案" if r.task_code is None or pd.isna(r.task_code) else str(r.task_code)
        body.append(f"<tr><td class='code'>{escape(task)}</td>"
                    f"<td class='desc'>{escape(str(r.description))}</td>"
                    f"<td>{escape(str(r.target or ''))}</td><td>{escape(str(r.actual or ''))}</td>"
                    f"<td class='verdict'>{verdict}</td><td>{shown}</td></tr>")
    return ('<h3>方案量化指标明细</h3><div class="scroll"><table><tr><th>任务</th><th>指标内容</th>'
            "<th>目标</th><th>实际</th><th>结论</th><th>未达标情况</th></tr>" + "".join(body)
            + "</table></div>")


def _tables(pack: PackData) -> str:
    if not pack.sheets:
        return "<p>数据集市中没有本年度的年度报告统计表（annual_report）。</p>"
    out = []
    for sheet in pack.sheets:
        out.append(f"<h3>{escape(sheet.title)}</h3>")
        for table in sheet.tables:
            if len(sheet.tables) > 1:
                out.append(f"<p><b>{escape(table.title)}</b></p>")
            if table.refused:
                out.append(f'<div class="notes bad"><p>{escape(table.refusal_text())}</p></div>')
            else:
                out.append(f'<div class="scroll">{_table(table)}</div>')
    return "".join(out)


def _table(table: StatTable) -> str:

    depth = table.header_depth
    stubs = (["代码"] if table.show_codes else []) + [table.stub_title or "项目"] + (
        ["单位"] if table.show_units else [])
    header_rows: list[list[str]] = [[] for _ in range(depth)]
    for text in stubs:
        header_rows[0].append(f'<th rowspan="{depth}">{escape(text)}</th>')
    for level, _, rowspan, colspan, text in table.header_cells():
        header_rows[level].append(f'<th rowspan="{rowspan}" colspan="{colspan}">{escape(text)}</th>')
    html = ["<table>"] + ["<tr>" + "".join(r) + "</tr>" for r in header_rows]
    n = len(stubs) + len(table.columns)
    for rec in table.rows:
        code = f'<td class="code">{escape(rec.code)}</td>' if table.show_codes else ""
        if rec.heading:
            span = n - (1 if table.show_codes else 0)
            html.append(f'<tr class="heading">{code}<td colspan="{span}">{escape(rec.label)}</td></tr>')
            continue
        indent = f' style="padding-left:{8 + 14 * rec.depth}px"' if rec.depth else ""
        cells = [code, f"<td{indent}>{escape(rec.label)}</td>"]
        if table.show_units:
            cells.append(f'<td style="text-align:center">{escape(rec.unit or "")}</td>')
        for col in table.columns:
            v = rec.values.get(col.code)
            cells.append(f'<td class="num">{"" if v is None else escape(format_number(v))}</td>')
        html.append("<tr>" + "".join(cells) + "</tr>")
    html.append("</table>")
    return "".join(html)
