"""How a notebook shows things: Chinese column headings, key figures, headings and notices.

Queries return English column names (they are code, and tests read them); ``show`` puts the
Chinese heading of every column on the way to the reader, and refuses a column it has no
heading for rather than print an English name on a report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pandas as pd
from IPython.display import Markdown

from pipelines.vocabulary import TASK_STATES

# Every column a notebook table shows, with the heading a reader sees.
LABELS = {
    "section": "方案部分", "section_label": "方案部分", "task_code": "任务编号", "title": "标题",
    "task_title": "任务", "unit": "单位", "unit_kind": "单位类别", "state": "状态代码",
    "state_label": "状态", "due_on": "完成时限", "status": "最近报送进展",
    "last_period": "最近报送期间", "completed_on": "完成日期", "evidence_url": "佐证链接",
    "deadline_kind": "时限类型", "pairs": "任务×单位（项）", "tasks": "任务数", "units": "单位数",
    **TASK_STATES, "done_rate": "完成率",
    "on_time_rate": "按时完成率（已到期）", "due": "已到期", "due_done_on_time": "已到期·按时完成", "days_late": "逾期天数", "month": "月", "month_label": "月份",
    "due_cum": "累计到期", "done_cum": "累计完成", "open_due": "到期未完成", "metric_code": "指标编号",
    "description": "指标", "target": "目标", "actual": "实际", "passed_label": "结论",
    "target_value": "目标值", "actual_value": "实际值", "actual_base": "基数", "value_unit": "计量单位",
    "shortfall_count": "未达标项数",
    "index_no": "索引号", "category": "信息类别", "channel": "公开渠道", "channels": "公开渠道",
    "formed_on": "成文日期", "published_on": "发布日期", "deadline_on": "公开期限",
    "rule_label": "时效规则", "basis": "依据", "items": "信息条数", "timely": "按时公开",
    "late": "超期公开", "working_days_to_publish": "成文至发布（工作日）", "domain": "重点领域",
    "plan_ref": "方案条目", "first_published_on": "首次发布", "last_published_on": "最近发布",
    "units_publishing": "发布单位数", "request_id": "申请编号", "received_on": "收到日期",
    "applicant_type": "申请人类型", "rule": "适用条例", "clock_start_on": "起算日期",
    "final_due_on": "延期后期限", "extended": "是否延期", "answered_on": "答复日期",
    "outcome": "办理结果", "working_days": "已用工作日", "limit_days": "法定期限（工作日）",
    "requests": "申请件数", "share": "占比", "stage": "办理环节", "answered_on_time": "按时答复",
    "answered_late": "逾期答复", "open_overdue": "逾期未答复",
    "median_working_days": "答复用时中位数（工作日）", "max_working_days": "最长用时（工作日）",
    "template": "统计表模板", "row_code": "行号", "label": "项目", "measure_unit": "计量单位",
    "value": "本年", "previous": "上年", "change": "增减", "yoy": "同比", "year": "年度",
    "source": "数据来源", "units_due": "应报送单位", "missing": "未报送", "quarantined": "被退回",
    "late_submitted": "逾期报送", "problem_label": "问题", "submitted_on": "报送日期",
    "reason": "原因（可在电话中直接念给单位）",
}


class KeyFigure(NamedTuple):
    """One number a notebook states: a code name (for tests), the Chinese label, value, unit."""

    key: str
    label: str
    value: int | float | None
    unit: str = ""


def _number(value: int | float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if unit == "%":
        return f"{value:.1%}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f} {unit}".strip()
    return f"{int(value):,} {unit}".strip()


class KeyFigures:
    """Key figures as one output: a Markdown table for people, JSON of the values for tests."""

    def __init__(self, figures: Iterable[KeyFigure], caption: str = "") -> None:
        self.figures = list(figures)
        self.caption = caption

    def values(self) -> dict[str, int | float | None]:
        """The figures by key."""
        return {f.key: f.value for f in self.figures}

    def markdown(self) -> str:
        """The figures as a Markdown table."""
        lines = [f"**{self.caption}**", ""] if self.caption else []
        lines += ["| 指标 | 数值 |", "|---|---:|"]
        lines += [f"| {f.label} | {_number(f.value, f.unit)} |" for f in self.figures]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.markdown(),
                "text/plain": "\n".join(f"{f.label}：{_number(f.value, f.unit)}" for f in self.figures),
                "application/json": self.values()}


def show(df: pd.DataFrame, empty: str = "（无记录）", percent: Iterable[str] = (),
         labels: Mapping[str, str] | None = None) -> object:
    """A table for the reader: Chinese headings, dates as YYYY-MM-DD, 是/否, no index.

    Columns ending in ``_rate`` or ``share``, and those named in ``percent``, show as
    percentages. ``labels`` adds headings for columns named by data (an annual table's
    columns). An empty frame shows ``empty`` instead of an empty grid.
    """
    if df.empty:
        return Markdown(empty)
    headings = {**LABELS, **(labels or {})}
    missing = [c for c in df.columns if c not in headings]
    if missing:
        raise KeyError(f"以下列没有中文列名，请在 pipelines/analysis/display.py 的 LABELS 中补充：{missing}")
    percent = set(percent) | {c for c in df.columns if c.endswith("_rate") or c == "share"}
    formats: dict[str, object] = {}
    text_columns = []
    for column in df.columns:
        kind = df[column].dtype
        if column in percent:
            formats[column] = "{:.1%}"
        elif pd.api.types.is_datetime64_any_dtype(kind):
            formats[column] = _date
        elif pd.api.types.is_bool_dtype(kind):
            formats[column] = _yes_no
        elif pd.api.types.is_float_dtype(kind):
            formats[column] = _figure
        elif not pd.api.types.is_numeric_dtype(kind):
            text_columns.append(column)
            present = df[column].dropna()
            sample = present.iloc[0] if len(present) else None
            if pd.api.types.is_list_like(sample) and not isinstance(sample, str):
                formats[column] = _joined
            elif isinstance(sample, bool):
                formats[column] = _yes_no
    styler = (df.style.hide(axis="index").format(formats, na_rep="—")
              .set_properties(subset=text_columns, **{"text-align": "left"})
              .set_table_styles([{"selector": "th", "props": "text-align: left;"}]))
    return styler.relabel_index([headings[c] for c in df.columns], axis="columns")


def _date(value) -> str:
    return "" if pd.isna(value) else value.strftime("%Y-%m-%d")


def _yes_no(value) -> str:
    return "—" if pd.isna(value) else ("是" if value else "否")


def _figure(value) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _joined(value) -> str:
    return "" if value is None else "、".join(map(str, list(value)))


def heading(text: str, level: int = 1) -> Markdown:
    """A heading built from data (a division's name, a year)."""
    return Markdown(f"{'#' * level} {text}")


def notice(text: str) -> Markdown:
    """A notice to the reader, set apart as a quotation."""
    return Markdown("\n".join(f"> {line}" for line in text.splitlines()))
