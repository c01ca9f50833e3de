"""Figure builders shared by report.html, the PNG charts and the notebooks.

Every builder is a pure function: rows of a mart (a pandas DataFrame with the mart's column
names, already filtered to one division and year) in, a Plotly figure with Chinese titles,
axis labels and legends out. They aggregate themselves, so a notebook passing the same rows
draws the same numbers as the leaders' pack. One template (`look()`) gives every chart the
same fonts, colours and margins.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines import vocabulary

# Local fonts only: the HTML must work offline, and Chromium (PNG) finds Noto CJK through
# fontconfig. The Windows and macOS names cover leaders opening the page on their own PCs.
FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
               '"WenQuanYi Micro Hei", "SimHei", sans-serif')

GOOD, BAD, WARN, NEUTRAL = "#2e7d32", "#c62828", "#ef8f00", "#9e9e9e"
PRIMARY, SECONDARY = "#1f5fa8", "#6a9fd8"
PALETTE = [PRIMARY, "#e07b39", "#3a9a5b", "#8e5bb5", "#c9a227", "#3fa7b5", "#d0587e", "#7f7f7f"]

# Words from the one vocabulary, colours here: (word, colour) per coded value.
REQUEST_STATES = {state: (word, colour) for (state, word), colour in zip(
    vocabulary.REQUEST_STATES.items(), (GOOD, WARN, SECONDARY, BAD), strict=True)}
TASK_STATES = {state: (word, colour) for (state, word), colour in zip(
    vocabulary.TASK_STATES.items(),
    (GOOD, WARN, BAD, SECONDARY, "#b3cde8", "#81c784", "#bdbdbd", "#8d6e63", "#e0e0e0"), strict=True)}
RETURN_RESULTS = {result: (word, colour) for (result, word), colour in zip(
    vocabulary.RETURN_RESULTS.items(), (GOOD, WARN, BAD), strict=True)}
METRIC_RESULTS = {passed: (word, colour) for (passed, word), colour in zip(
    vocabulary.METRIC_RESULTS.items(), (GOOD, BAD, NEUTRAL), strict=True)}
LAYOUT = {
    "font": {"family": FONT_FAMILY, "size": 14, "color": "#222"},
    "title": {"font": {"size": 19}, "x": 0.01, "xanchor": "left"},
    "colorway": PALETTE,
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "margin": {"l": 70, "r": 30, "t": 70, "b": 60},
    # Legends on the right, never over the title, even in a half-width chart.
    "legend": {"orientation": "v", "yanchor": "top", "y": 1.0, "xanchor": "left", "x": 1.01,
               "title": {"text": ""}},
    "xaxis": {"gridcolor": "#ececec", "linecolor": "#999", "ticks": "outside", "automargin": True},
    "yaxis": {"gridcolor": "#ececec", "linecolor": "#999", "zerolinecolor": "#ccc", "automargin": True},
    "separators": ".,",
    "hoverlabel": {"font": {"family": FONT_FAMILY}},
}


@functools.cache
def look() -> go.layout.Template:
    """The charts' template, built on first use: plotly's validators (~0.2 s) were loaded at
    import by every process that imports the definitions, drawing charts or not."""
    return go.layout.Template(layout=LAYOUT)


WIDTH, HEIGHT = 1000, 480


def new_figure(title: str, height: int = HEIGHT) -> go.Figure:
    """An empty figure in the pack's look, with its Chinese title."""
    fig = go.Figure()
    fig.update_layout(template=look(), title={"text": title}, height=height, width=None)
    return fig


def mark_empty(fig: go.Figure, note: str = "本年度无数据") -> go.Figure:
    """Say so on a figure that has nothing to show, instead of blank axes."""
    fig.add_annotation(text=note, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 20, "color": NEUTRAL})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _months(year: int | None, months: pd.Series) -> list[str]:
    # Months as category strings: a date axis would show half months, and leaders read "3月".
    if year is not None:
        return [f"{m}月" for m in range(1, 13)]
    return sorted(months.dropna().unique())


def _count_ticks(top: float, unit: str = "") -> dict:
    # Counts are whole: an axis up to 3 should not show 0.5, 1.5, 2.5.
    if unit == "万元" or pd.isna(top) or top > 8:
        return {}
    return {"tick0": 0, "dtick": 1}


def _short(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def figure_size(fig: go.Figure) -> tuple[int, int]:
    """Width and height to export a figure at (its own height, the common width)."""
    return WIDTH, int(fig.layout.height or HEIGHT)


def disclosures_by_month(disclosures: pd.DataFrame, year: int | None = None) -> go.Figure:
    """Items published per month (``disclosures`` rows: ``index_no``, ``published_on``).

    With ``year`` the axis shows all twelve months of that year and ignores other years."""
    fig = new_figure("主动公开信息数量（按月）")
    df = disclosures.assign(published_on=_as_dates(disclosures["published_on"])).dropna(
        subset=["published_on"])
    if year is not None:
        df = df[df["published_on"].dt.year == year]
    if df.empty:
        return mark_empty(fig)
    if year is not None:
        df = df.assign(month=df["published_on"].dt.month.map(lambda m: f"{m}月"))
    else:
        df = df.assign(month=df["published_on"].dt.strftime("%Y-%m"))
    counts = df.groupby("month")["index_no"].nunique()
    months = _months(year, df["month"])
    counts = counts.reindex(months, fill_value=0)
    fig.add_bar(x=months, y=counts.values, marker_color=PRIMARY, text=counts.values, textposition="outside",
                name="公开信息条数", hovertemplate="%{x}：%{y} 条<extra></extra>", cliponaxis=False)
    fig.update_xaxes(title_text="公开月份", type="category", categoryorder="array", categoryarray=months)
    fig.update_yaxes(title_text="条数", rangemode="tozero")
    return fig


def disclosures_by_category(disclosures: pd.DataFrame, top: int = 15) -> go.Figure:
    """Items published per category, largest first (``disclosures`` rows: ``index_no``,
    ``category``); categories beyond ``top`` are summed as 其余类别."""
    counts = (disclosures.dropna(subset=["category"]).groupby("category")["index_no"].nunique()
              .sort_values(ascending=False))
    if len(counts) > top:
        counts = pd.concat([counts.iloc[:top], pd.Series({"其余类别": counts.iloc[top:].sum()})])
    fig = new_figure("主动公开信息数量（按类别）", height=max(HEIGHT, 120 + 28 * len(counts)))
    if counts.empty:
        return mark_empty(fig)
    counts = counts.iloc[::-1]  # largest at the top of a horizontal bar chart
    fig.add_bar(x=counts.values, y=list(counts.index), orientation="h", marker_color=PRIMARY,
                text=counts.values, textposition="outside", cliponaxis=False, name="公开信息条数",
                hovertemplate="%{y}：%{x} 条<extra></extra>")
    fig.update_xaxes(title_text="条数", rangemode="tozero")
    fig.update_yaxes(title_text="信息类别", type="category")
    return fig


def disclosures_by_channel(channels: pd.DataFrame) -> go.Figure:
    """Distinct items per channel (``disclosure_channels`` rows: ``index_no``, ``channel``).

    One item published on several channels counts once on each."""
    fig = new_figure("主动公开信息数量（按公开渠道）")
    counts = (channels.dropna(subset=["channel"]).groupby("channel")["index_no"].nunique()
              .sort_values(ascending=False))
    if counts.empty:
        return mark_empty(fig)
    fig.add_bar(x=list(counts.index), y=counts.values, marker_color=PALETTE[2], text=counts.values,
                textposition="outside", cliponaxis=False, name="公开信息条数",
                hovertemplate="%{x}：%{y} 条<extra></extra>")
    fig.update_xaxes(title_text="公开渠道", type="category")
    fig.update_yaxes(title_text="条数", rangemode="tozero")
    return fig


def requests_funnel(requests: pd.DataFrame) -> go.Figure:
    """Requests received → answered → answered on time (``requests`` rows: ``state``)."""
    fig = new_figure("依申请公开办理情况")
    if requests.empty:
        return mark_empty(fig)
    state = requests["state"]
    answered = state.isin(["answered_on_time", "answered_late"])
    stages = ["收到申请", "已答复", "按时答复"]
    values = [len(requests), int(answered.sum()), int((state == "answered_on_time").sum())]
    fig.add_trace(go.Funnel(y=stages, x=values, textinfo="value+percent initial",
                            texttemplate="%{value} 件（%{percentInitial:.0%}）",
                            marker={"color": [PRIMARY, SECONDARY, GOOD]}, name="申请件数",
                            hovertemplate="%{y}：%{x} 件<extra></extra>"))
    fig.update_yaxes(title_text="办理环节")
    return fig


def requests_outcomes(requests: pd.DataFrame) -> go.Figure:
    """Requests by 办理结果 (``requests`` rows: ``outcome``; none yet = 尚未办结)."""
    outcomes = requests["outcome"].fillna("尚未办结").value_counts().sort_values()
    fig = new_figure("依申请公开办理结果", height=max(HEIGHT, 120 + 30 * len(outcomes)))
    if outcomes.empty:
        return mark_empty(fig)
    labels = [_short(o, 26) for o in outcomes.index]
    fig.add_bar(x=outcomes.values, y=labels, orientation="h", marker_color=PALETTE[3], text=outcomes.values,
                textposition="outside", cliponaxis=False, name="申请件数", customdata=list(outcomes.index),
                hovertemplate="%{customdata}：%{x} 件<extra></extra>")
    fig.update_xaxes(title_text="件数", rangemode="tozero")
    fig.update_yaxes(title_text="办理结果", type="category")
    return fig


def requests_timeliness(requests: pd.DataFrame) -> go.Figure:
    """Requests by timeliness: on time, late, open, open and overdue (``requests``: ``state``)."""
    fig = new_figure("依申请公开答复时效")
    counts = requests["state"].value_counts()
    if counts.empty:
        return mark_empty(fig)
    states = [s for s in REQUEST_STATES if counts.get(s, 0)]
    fig.add_trace(go.Pie(labels=[REQUEST_STATES[s][0] for s in states],
                         values=[int(counts[s]) for s in states],
                         marker={"colors": [REQUEST_STATES[s][1] for s in states]}, hole=0.45, sort=False,
                         texttemplate="%{value} 件<br>（%{percent:.0%}）", textposition="outside",
                         automargin=True, direction="clockwise",
                         hovertemplate="%{label}：%{value} 件<extra></extra>", name="申请件数"))
    fig.update_layout(annotations=[{"text": f"共 {int(counts.sum())} 件", "showarrow": False,
                                    "font": {"size": 18}, "x": 0.5, "y": 0.5, "xref": "paper",
                                    "yref": "paper"}])
    return fig


def requests_working_days(requests: pd.DataFrame) -> go.Figure:
    """Working days each request took against its statutory limit.

    ``requests`` rows: ``request_id``, ``received_on``, ``working_days``, ``state`` and
    ``limit_days`` (working days from ``clock_start_on`` to ``due_on``, e.g.
    ``working_days_between(clock_start_on, due_on)`` in the marts), optionally
    ``final_limit_days`` (the same to ``final_due_on``, drawn where a request was extended).
    Open requests count to the as-of date."""
    fig = new_figure("依申请公开办理用时与法定期限")
    df = requests.assign(received_on=_as_dates(requests["received_on"])).dropna(
        subset=["received_on", "working_days"]).sort_values("received_on")
    if df.empty:
        return mark_empty(fig)
    for state, (label, color) in REQUEST_STATES.items():
        part = df[df["state"] == state]
        if part.empty:
            continue
        fig.add_scatter(x=part["received_on"], y=part["working_days"], mode="markers", name=label,
                        marker={"color": color, "size": 9, "line": {"width": 0.5, "color": "white"}},
                        customdata=part[["request_id"]].values,
                        hovertemplate="%{customdata[0]}<br>收到：%{x|%Y-%m-%d}<br>用时：%{y} 个工作日"
                                      "<extra></extra>")
    if "limit_days" in df and df["limit_days"].notna().any():
        fig.add_scatter(x=df["received_on"], y=df["limit_days"], mode="lines", name="法定答复期限",
                        line={"color": BAD, "dash": "dash", "shape": "hv", "width": 2},
                        hovertemplate="法定期限：%{y} 个工作日<extra></extra>")
    if "final_limit_days" in df and "limit_days" in df:
        ext = df[df["final_limit_days"].notna() & (df["final_limit_days"] > df["limit_days"])]
        if not ext.empty:  # an extended request is on time up to its extended deadline
            fig.add_scatter(x=ext["received_on"], y=ext["final_limit_days"], mode="markers",
                            name="延期后的答复期限",
                            marker={"symbol": "line-ew-open", "size": 16, "color": BAD, "line": {"width": 2}},
                            hovertemplate="延期后期限：%{y} 个工作日<extra></extra>")
    fig.update_xaxes(title_text="收到申请日期", tickformat="%Y年%-m月")
    fig.update_yaxes(title_text="办理用时（工作日）", rangemode="tozero")
    return fig


def task_states_by_section(task_status: pd.DataFrame, section_labels: Mapping[str, str] | None = None
                           ) -> go.Figure:
    """Plan tasks × responsible units by state, one bar per section of the plan.

    ``task_status`` rows joined with ``plan_tasks.section``: ``section``, ``state``.
    ``section_labels`` maps a section code to the text shown (default 第N部分)."""
    df = task_status.dropna(subset=["section"])
    sections = sorted(df["section"].unique(), key=_code_key)
    labels = {s: (section_labels or {}).get(s) or f"第{s}部分" for s in sections}
    fig = new_figure("工作任务完成情况（按方案部分，任务×责任单位）",
                  height=max(HEIGHT, 150 + 42 * len(sections)))
    if df.empty:
        return mark_empty(fig)
    counts = df.groupby(["section", "state"]).size()
    y = [_short(labels[s], 24) for s in sections][::-1]
    for state, (label, color) in TASK_STATES.items():
        values = [int(counts.get((s, state), 0)) for s in sections][::-1]
        if not any(values):
            continue
        fig.add_bar(x=values, y=y, orientation="h", name=label, marker_color=color,
                    customdata=[labels[s] for s in sections][::-1],
                    hovertemplate="%{customdata}<br>" + label + "：%{x}<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="任务×责任单位（项）", rangemode="tozero")
    fig.update_yaxes(title_text="方案部分", type="category")
    return fig


def bar_totals(fig: go.Figure, legend: Mapping[str, tuple[str, str]]) -> dict[str, int]:
    """What a stacked bar chart shows a reader, read back from its traces: per coded value of
    ``legend`` (state → (word, colour)) the sum of its bars (0 when it has none), and
    ``pairs``, all bars together (the figure registry's page of this chart)."""
    words = {word: key for key, (word, _) in legend.items()}
    totals = dict.fromkeys(legend, 0)
    for trace in fig.data:
        if trace.name in words:
            totals[words[trace.name]] += int(sum(trace.x))
    return {"pairs": sum(totals.values()), **totals}


def metric_label(task_code: object, description: object, limit: int = 28) -> str:
    """How a target is named on a chart: its task code (or 全方案) and its description."""
    code = "全方案" if task_code is None or pd.isna(task_code) else f"任务{task_code}"
    return f"{code}：{_short(description, limit)}"


def plan_metrics_status(plan_metrics: pd.DataFrame) -> go.Figure:
    """One row per quantitative target of the plan, green when met and red when missed,
    with the measured value written on the bar.

    ``plan_metrics`` rows: ``task_code``, ``description``, ``target``, ``passed`` and the measured
    columns (``actual_value``, ``actual_base``, ``value_unit``)."""
    n = len(plan_metrics)
    fig = new_figure("方案量化指标达标情况", height=max(HEIGHT, 140 + 40 * n))
    if not n:
        return mark_empty(fig, "本年度方案无量化指标")
    df = plan_metrics.iloc[::-1]
    y = [metric_label(t, d) for t, d in zip(df["task_code"], df["description"], strict=True)]
    passed = [None if pd.isna(p) else bool(p) for p in df["passed"]]
    for verdict, (label, color) in METRIC_RESULTS.items():
        mask = [p is verdict for p in passed]
        if not any(mask):
            continue
        part = df[mask]
        measured = [vocabulary.metric_measure(r) for r in part.itertuples()]
        fig.add_bar(x=[1] * len(part), y=[v for v, m in zip(y, mask, strict=True) if m], orientation="h",
                    name=label, marker_color=color, width=0.72,
                    text=[f"{label}　实际：{_short(a, 30)}" for a in measured],
                    textposition="inside", insidetextanchor="start",
                    textfont={"color": "white", "size": 14}, constraintext="none",
                    customdata=list(zip(part["target"].fillna("—"), measured, strict=True)),
                    hovertemplate="%{y}<br>目标：%{customdata[0]}<br>实际：%{customdata[1]}<extra></extra>")
    met = sum(1 for p in passed if p is True)
    fig.update_layout(barmode="stack", showlegend=False, uniformtext={"mode": False},
                      title={"text": f"方案量化指标达标情况（{met}/{n} 项达标）"})
    fig.update_xaxes(visible=False, range=[0, 1])
    fig.update_yaxes(title_text="", type="category", categoryorder="array", categoryarray=y, ticksuffix=" ")
    return fig


def returns_by_month(returns: pd.DataFrame) -> go.Figure:
    """Monthly progress returns due per reporting month: on time, late, missing.

    ``returns`` rows: ``unit``, ``period`` (``YYYY-MM``), ``result`` (``on_time``, ``late``,
    ``missing``)."""
    fig = new_figure("进展情况按月报送情况")
    if returns.empty:
        return mark_empty(fig, "本年度无到期的月度报送")
    periods = sorted(returns["period"].unique())
    one_year = len({p[:4] for p in periods}) == 1
    labels = [f"{int(p[5:7])}月" if one_year else f"{int(p[:4])}年{int(p[5:7])}月" for p in periods]
    counts = returns.groupby(["period", "result"]).size()
    for result, (label, color) in RETURN_RESULTS.items():
        values = [int(counts.get((p, result), 0)) for p in periods]
        if not any(values) and result != "on_time":
            continue
        fig.add_bar(x=labels, y=values, name=label, marker_color=color,
                    text=[v or "" for v in values], textposition="inside",
                    hovertemplate="%{x}<br>" + label + "：%{y} 个单位<extra></extra>")
    for p, label in zip(periods, labels, strict=True):
        problems = int(counts.get((p, "late"), 0) + counts.get((p, "missing"), 0))
        due = int(sum(counts.get((p, r), 0) for r in RETURN_RESULTS))
        if problems:  # a late or missing return is a sliver of the bar: say it in words
            fig.add_annotation(x=label, y=due, text=f"未按时 {problems}", showarrow=False, yshift=14,
                               font={"color": BAD, "size": 13})
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text=f"报送期间（{periods[0][:4]}年）" if one_year else "报送期间",
                     type="category")
    fig.update_yaxes(title_text="单位数", rangemode="tozero")
    return fig


def yearly_comparison(figures: pd.DataFrame) -> go.Figure:
    """Key figures year by year, one small panel per figure (rows: ``year``, ``label``,
    ``value``, and ``unit`` optionally), each with its own scale.

    Years are categories: a numeric axis would show 2,018.5 between two years."""
    df = figures.dropna(subset=["value"])
    labels = list(dict.fromkeys(df["label"]))
    if df.empty:
        return mark_empty(new_figure("主要指标年度对比"))
    years = [f"{y}年" for y in sorted(df["year"].unique())]
    fig = make_subplots(rows=1, cols=len(labels), subplot_titles=labels, horizontal_spacing=0.07)
    fig.update_layout(template=look(), title={"text": "主要指标年度对比"}, height=HEIGHT, showlegend=False)
    for i, label in enumerate(labels, start=1):
        part = df[df["label"] == label].sort_values("year")
        unit = str(part["unit"].iloc[0]) if "unit" in part and part["unit"].notna().any() else ""
        fig.add_bar(x=[f"{y}年" for y in part["year"]], y=part["value"], name=label, row=1, col=i,
                    marker_color=PALETTE[(i - 1) % len(PALETTE)], cliponaxis=False,
                    text=[f"{v:g}" for v in part["value"]], textposition="outside",
                    hovertemplate=label + "：%{y}" + unit + "<extra>%{x}</extra>")
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, row=1, col=i)
        fig.update_yaxes(rangemode="tozero", title_text=unit or None, row=1, col=i,
                         **_count_ticks(part["value"].max(), unit))
    fig.update_annotations(font={"size": 14})
    return fig


def _code_key(code: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in str(code).split("."))
