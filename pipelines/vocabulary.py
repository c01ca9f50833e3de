"""The words a reader sees for every coded value, and how figures and numerals are written.

One home for display words: the charts, the report page, the xlsx and docx of the leaders'
pack, the notebooks and the UI's metadata all take a task state, a request state or a
verdict from here, so the same thing is never worded two ways on two pages.
"""

from __future__ import annotations

import math

# task_status.state → word (docs/marts.md, docs/figures.md); the order is the order legends
# and sentences use. On time and late exist only against a due date: a task without one that
# is reported done is 完成, and one not yet done says which kind of deadline it lacks.
TASK_STATES: dict[str, str] = {
    "done_on_time": "按时完成",
    "done_late": "逾期完成",
    "overdue": "逾期未完成",
    "in_progress": "推进中",
    "not_due": "未到期",
    "done": "完成",
    "no_deadline": "未完成（无明确时限）",
    "external": "未完成（依上级要求时限）",
    "not_applicable": "不适用",
}

# The wholes task × unit pairs are counted in (docs/figures.md): every state belongs to exactly
# one group, so the groups add up to the pairs and each group to its states.
TASK_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "with_deadline": ("有明确完成时限", ("done_on_time", "done_late", "overdue", "in_progress", "not_due")),
    "without_deadline": ("无明确完成时限", ("done", "no_deadline", "external")),
    "not_applicable": ("不适用", ("not_applicable",)),
}

# The row of a summary table that is the whole its other rows are parts of.
TOTAL_LABEL = "合计"
SUBTOTAL_LABEL = "小计"

# A pair due by the as-of date and done on time, with or without its evidence link.
EVIDENCE: dict[str, str] = {"due_with_evidence": "附佐证链接", "due_without_evidence": "无佐证链接"}

# requests.state → word
REQUEST_STATES: dict[str, str] = {
    "answered_on_time": "按时答复",
    "answered_late": "逾期答复",
    "open": "办理中（未到期）",
    "open_overdue": "逾期未答复",
}

# A unit's monthly return for one period (return_periods.result) → word
RETURN_RESULTS: dict[str, str] = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "missing": "未报送",
}

# Every figure of the figure registry (pipelines/pack/consistency.py, docs/figures.md) → how
# a check or a table names it.
FIGURE_LABELS: dict[str, str] = {
    "tasks": "方案任务", "units": "责任单位", "pairs": "任务×责任单位",
    **{group: label for group, (label, _) in TASK_GROUPS.items()},
    **TASK_STATES,
    "due": "已到期", "due_done_on_time": "已到期·按时完成", "due_done_late": "已到期·逾期完成",
    "due_overdue": "已到期·逾期未完成",
    **{key: f"已到期·按时完成·{word}" for key, word in EVIDENCE.items()},
    "requests_received": "收到申请", "requests_answered": "已答复", "requests_unanswered": "尚在办理",
    **{f"requests_{s}": word for s, word in REQUEST_STATES.items()},
    "requests_on_time_or_open": "按时答复或未到期",
    "disclosures_items": "主动公开信息（按索引号）", "disclosures_timely": "按时公开",
    "disclosures_late": "超期公开",
    "appeals": "行政复议、行政诉讼案件", "appeals_reviews": "行政复议", "appeals_suits": "行政诉讼",
}

# The leaders' pack's headline figures (the template's ``figures``, docs/figures.md) as the
# figure registry names them: ``card_<key>``, the words the template gives each.
CARD_PREFIX = "card_"

# plan_metrics.passed → verdict
METRIC_RESULTS: dict[bool | None, str] = {True: "达标", False: "未达标", None: "无法计算"}

_DIGITS = "〇一二三四五六七八九"
_VALUES = {c: i for i, c in enumerate(_DIGITS)}


def format_number(value: float | None, unit: str | None = None) -> str:
    """A figure as printed in Chinese prose and tables: 2143, 0.15, 12.5 (no thousands mark);
    money in 万元 keeps up to four decimals (yuan), everything else two."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    try:
        if value != value:  # pandas NA and friends
            return "—"
    except TypeError:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.4f}" if unit == "万元" else f"{value:.2f}"
    return text.rstrip("0").rstrip(".")


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section and item numbers)."""
    if not 0 < n < 100:
        raise ValueError(f"只支持 1–99 的中文序号，收到 {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def parse_chinese_numeral(text: str) -> int:
    """一 … 十九 … 九十九 as an int (the inverse of :func:`chinese_numeral`); KeyError if not one."""
    if "十" not in text:
        if len(text) != 1:
            raise KeyError(text)
        return _VALUES[text]
    head, _, tail = text.partition("十")
    tens = _VALUES[head] if head else 1
    ones = _VALUES[tail] if tail else 0
    if len(head) > 1 or len(tail) > 1:
        raise KeyError(text)
    return tens * 10 + ones


def section_label(code: str, title: str | None) -> str:
    """A plan section as headings print it: ``一、公开透明`` (``第一部分`` without a title)."""
    numeral = chinese_numeral(int(code)) if code.isdigit() and 0 < int(code) < 100 else code
    return f"{numeral}、{title}" if title else f"第{numeral}部分"


def measure_text(value: float | None, base: float | None, unit: str | None) -> str:
    """A plan metric's measured quantity as printed: ``440/488项`` where it is a part of a
    whole (``actual_base``), ``4次`` where it is a count; ``—`` when it was not measured."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    unit = unit or ""
    if base is None or (isinstance(base, float) and math.isnan(base)):
        return f"{format_number(value)}{unit}"
    return f"{format_number(value)}/{format_number(base)}{unit}"


def metric_measure(row) -> str:
    """The measured quantity of a ``plan_metrics`` row (any object with its columns as
    attributes): :func:`measure_text` of ``actual_value``, ``actual_base``, ``value_unit``."""
    return measure_text(_number_or_none(row.actual_value), _number_or_none(row.actual_base), row.value_unit)


def _number_or_none(value) -> float | None:
    try:
        return None if value is None or value != value else float(value)
    except TypeError:  # pandas NA
        return None
