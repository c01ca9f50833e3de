"""Figures only the analyst notebooks draw (the leaders' charts are pipelines.pack.charts).

Each builder takes the frame of the query of the same name in the notebook's module and
returns a Plotly figure with Chinese titles, axes and legends, in the leaders' look
(``charts.look()``) so that a notebook and the pack read as one document.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pipelines.pack.charts import (
    BAD,
    GOOD,
    HEIGHT,
    NEUTRAL,
    PALETTE,
    PRIMARY,
    TASK_STATES,
    WARN,
    mark_empty,
    new_figure,
)
from pipelines.vocabulary import TOTAL_LABEL


def burndown(df: pd.DataFrame) -> go.Figure:
    """Pairs due so far against pairs done so far, month by month (progress.burndown)."""
    fig = new_figure("有明确时限的任务：累计到期与累计完成（任务×责任单位）")
    if df.empty or not df["due_cum"].any():
        return mark_empty(fig, "本年度方案没有明确完成时限的任务")
    months = list(df["month_label"])
    fig.add_bar(x=months, y=df["open_due"], name="到期未完成", marker_color=BAD, opacity=0.75,
                hovertemplate="%{x}底到期未完成：%{y} 项<extra></extra>")
    fig.add_scatter(x=months, y=df["due_cum"], name="累计到期", mode="lines+markers",
                    line={"color": PRIMARY, "width": 3, "shape": "hv"},
                    hovertemplate="截至%{x}底累计到期：%{y} 项<extra></extra>")
    fig.add_scatter(x=months, y=df["done_cum"], name="累计完成", mode="lines+markers",
                    line={"color": GOOD, "width": 3, "shape": "hv"},
                    hovertemplate="截至%{x}底累计完成：%{y} 项<extra></extra>")
    fig.update_xaxes(title_text="月份", type="category", categoryorder="array", categoryarray=months)
    fig.update_yaxes(title_text="任务×责任单位（项）", rangemode="tozero")
    return fig


def states_by_unit(df: pd.DataFrame) -> go.Figure:
    """Each unit's pairs stacked by state, most overdue at the top (progress.states_by_unit;
    its 合计 row is the table's whole, not a unit, and is not drawn)."""
    df = df[df["unit"] != TOTAL_LABEL]
    fig = new_figure("各单位任务完成情况（任务×责任单位）", height=max(HEIGHT, 150 + 22 * len(df)))
    if df.empty:
        return mark_empty(fig)
    units = list(df["unit"])[::-1]
    for state, (label, color) in TASK_STATES.items():
        if state not in df or not df[state].any():
            continue
        fig.add_bar(x=list(df[state])[::-1], y=units, orientation="h", name=label, marker_color=color,
                    hovertemplate="%{y}<br>" + label + "：%{x} 项<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="任务×责任单位（项）", rangemode="tozero")
    fig.update_yaxes(title_text="", type="category", categoryorder="array", categoryarray=units)
    return fig


def state_heatmap(df: pd.DataFrame) -> go.Figure:
    """Unit × task grid coloured by state; blank where the unit is not responsible (progress.task_states)."""
    units = list(dict.fromkeys(df["unit"]))
    tasks = list(dict.fromkeys(df["task_code"]))
    fig = new_figure("单位×任务状态分布", height=max(HEIGHT, 160 + 20 * len(units)))
    if df.empty:
        return mark_empty(fig)
    states = [s for s in TASK_STATES if s in set(df["state"])]
    index = {s: i for i, s in enumerate(states)}
    grid = df.assign(z=df["state"].map(index)).pivot(index="unit", columns="task_code", values="z")
    grid = grid.reindex(index=units, columns=tasks)
    text = df.pivot(index="unit", columns="task_code", values="state_label")
    text = text.reindex(index=units, columns=tasks)
    titles = dict(zip(df["task_code"], df["task_title"], strict=False))
    hover = [[f"{u}<br>{t} {titles.get(t, '')}<br>{'' if pd.isna(v) else v}"
              for t, v in zip(tasks, row, strict=True)]
             for u, row in zip(units, text.values, strict=True)]
    n = len(states)
    # A stepped colour scale: each state owns an equal band, so colours never blend.
    scale = []
    for i, s in enumerate(states):
        color = TASK_STATES[s][1]
        scale += [[i / n, color], [(i + 1) / n, color]]
    fig.add_heatmap(z=grid.values, x=tasks, y=units, colorscale=scale, zmin=-0.5, zmax=n - 0.5,
                    xgap=1, ygap=1, hovertext=hover, hoverinfo="text", hoverongaps=False,
                    colorbar={"title": {"text": "状态"}, "tickvals": list(range(n)),
                              "ticktext": [TASK_STATES[s][0] for s in states]})
    fig.update_xaxes(title_text="任务编号", type="category", side="top", tickangle=-60)
    fig.update_yaxes(title_text="", type="category", autorange="reversed")
    return fig


def timeliness_by_rule(df: pd.DataFrame) -> go.Figure:
    """Items on time and late under each timeliness rule (disclosures.timeliness)."""
    df = df[df["items"] > 0]
    fig = new_figure("主动公开时效（按时效规则）", height=max(HEIGHT, 160 + 60 * len(df)))
    if df.empty:
        return mark_empty(fig)
    rules = list(df["rule_label"])[::-1]
    fig.add_bar(x=list(df["timely"])[::-1], y=rules, orientation="h", name="按时公开", marker_color=GOOD,
                hovertemplate="%{y}<br>按时公开：%{x} 条<extra></extra>")
    fig.add_bar(x=list(df["late"])[::-1], y=rules, orientation="h", name="超期公开", marker_color=BAD,
                text=[f"按时率 {r:.1%}" for r in df["on_time_rate"]][::-1], textposition="outside",
                cliponaxis=False, hovertemplate="%{y}<br>超期公开：%{x} 条<extra></extra>")
    fig.update_layout(barmode="stack", margin={"r": 140})
    fig.update_xaxes(title_text="信息条数", rangemode="tozero")
    fig.update_yaxes(title_text="", type="category", categoryorder="array", categoryarray=rules)
    return fig


def deadline_margin(df: pd.DataFrame) -> go.Figure:
    """Publication date minus deadline per item, one box per rule (disclosures.deadline_margin)."""
    fig = new_figure("发布日期与公开期限之差（天，负数为提前）")
    if df.empty:
        return mark_empty(fig)
    for i, (rule, part) in enumerate(df.groupby("rule_label", sort=False)):
        fig.add_box(x=part["days_late"], name=rule, marker_color=PALETTE[i % len(PALETTE)],
                    boxpoints="outliers", orientation="h", customdata=part[["index_no", "unit"]].values,
                    hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>%{x} 天<extra></extra>")
    fig.add_vline(x=0, line={"color": BAD, "dash": "dash", "width": 2}, annotation_text="期限",
                  annotation_position="top")
    fig.update_layout(showlegend=False)
    fig.update_xaxes(title_text="发布日期 − 公开期限（天）", zeroline=False)
    fig.update_yaxes(title_text="", type="category")
    return fig


def key_domain_coverage(df: pd.DataFrame, domains: list[str]) -> go.Figure:
    """Items per unit × key domain, zeros shown blank-white (disclosures.key_domain_coverage)."""
    units = list(dict.fromkeys(df["unit"]))
    fig = new_figure("重点领域信息公开覆盖（单位×领域，条）", height=max(HEIGHT, 160 + 20 * len(units)))
    if df.empty:
        return mark_empty(fig)
    grid = df.pivot(index="unit", columns="domain", values="items").reindex(index=units, columns=domains)
    # Zero stays white, so a unit with nothing in a domain stands out.
    scale = [[0, "#ffffff"], [0.0001, "#dbe8f5"], [1, PRIMARY]]
    fig.add_heatmap(z=grid.values, x=domains, y=units, colorscale=scale, text=grid.values,
                    texttemplate="%{text}", xgap=1, ygap=1, colorbar={"title": {"text": "条数"}},
                    hovertemplate="%{y}<br>%{x}：%{z} 条<extra></extra>")
    fig.update_xaxes(title_text="重点领域", type="category", side="top")
    fig.update_yaxes(title_text="", type="category", autorange="reversed")
    return fig


def applicant_types(df: pd.DataFrame) -> go.Figure:
    """Requests by applicant type, stacked by channel (requests.applicant_types)."""
    fig = new_figure("依申请公开申请人类型与申请方式")
    if df.empty:
        return mark_empty(fig)
    types = list(dict.fromkeys(df["applicant_type"]))
    for i, (channel, part) in enumerate(df.groupby("channel", sort=True)):
        counts = part.set_index("applicant_type")["requests"].reindex(types, fill_value=0)
        fig.add_bar(x=types, y=counts.values, name=channel, marker_color=PALETTE[i % len(PALETTE)],
                    hovertemplate="%{x}<br>" + channel + "：%{y} 件<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="申请人类型", type="category", categoryorder="array", categoryarray=types)
    fig.update_yaxes(title_text="申请件数", rangemode="tozero")
    return fig


def annual_change(df: pd.DataFrame) -> go.Figure:
    """This year against last year for the annual table's rows that changed most (yearend.changes)."""
    fig = new_figure("年度报告统计数据与上年对比（变化最大的项目）", height=max(HEIGHT, 160 + 34 * len(df)))
    if df.empty:
        fig.update_layout(height=260)
        return mark_empty(fig, "没有可比的上年数据")
    labels = list(df["label"])[::-1]
    colors = [GOOD if c > 0 else (WARN if c < 0 else NEUTRAL) for c in df["change"]][::-1]
    fig.add_bar(x=list(df["change"])[::-1], y=labels, orientation="h", marker_color=colors, name="增减",
                customdata=df[["previous", "value"]].values[::-1],
                hovertemplate="%{y}<br>上年：%{customdata[0]}　本年：%{customdata[1]}<br>增减：%{x}"
                              "<extra></extra>")
    fig.update_xaxes(title_text="较上年增减", zeroline=True, zerolinecolor="#666")
    fig.update_yaxes(title_text="", type="category", categoryorder="array", categoryarray=labels)
    fig.update_layout(showlegend=False)
    return fig
