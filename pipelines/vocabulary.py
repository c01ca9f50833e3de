"""The words a reader sees for every coded value, and how figures and numerals are written.

One home for display words: the charts, the report page, the xlsx and docx of the leaders'
pack, the notebooks and the UI's metadata all take a task state, a request state or a
verdict from here, so the same thing is never worded two ways on two pages.
"""

from __future__ import annotations

import math

# task_status.state → word (docs/marts.md); the order is the order legends and sentences use.
TASK_STATES: dict[str, str] = {
    "done_on_time": "按时完成",
    "done_late": "逾期完成",
    "overdue": "逾期未完成",
    "in_progress": "推进中",
    "not_due": "未到期",
    "no_deadline": "无明确时限",
    "external": "依赖外部事项",
    "not_applicable": "不适用",
}

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
