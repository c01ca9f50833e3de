"""Deadline phrases of a task's parenthetical: ``6月30日前完成``, ``年底前完成并长期坚持``,
``两会闭幕后20个工作日内完成``, ``按上级要求时限推进``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pipelines.plan.importer.errors import PlanImportError
from pipelines.reference.names import normalize_text

# A date as the plan writes it; the year may be left out when it is the plan's own.
DATE = r"(?:(?P<y>\d{4})年)?(?P<mo>\d{1,2})月(?P<d>\d{1,2})日"

# Event phrases of "…后N天内完成" deadlines, mapped to the event names of events.csv.
_EVENT_NAMES = (
    (re.compile(r"两会.?闭幕"), "两会闭幕"),
    (re.compile(r"信息确定"), "信息确定"),
)


@dataclass(frozen=True)
class Deadline:
    """A task's deadline as the catalogue stores it."""

    text: str = ""
    kind: str = "none"
    due_on: str | None = None
    ongoing: bool = False
    event: str | None = None
    event_offset_days: int | None = None


def iso_date(m: re.Match, year: int) -> str:
    """The ISO date of a match of ``DATE`` (the plan's year where the text names none)."""
    y = int(m.group("y")) if m.group("y") else year
    return date(y, int(m.group("mo")), int(m.group("d"))).isoformat()


def cn_date(iso: str) -> str:
    """An ISO date written as the plan writes it: ``2018年6月30日``."""
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _event_name(phrase: str) -> str:
    for rx, name in _EVENT_NAMES:
        if rx.search(phrase):
            return name
    return re.sub(r"[“”\"'‘’]", "", phrase).removeprefix("县")


def _deadline_date(m: re.Match, year: int, text: str) -> Deadline:
    ongoing = bool(m.group("ongoing"))
    return Deadline(
        text=text,
        kind="date_ongoing" if ongoing else "date",
        due_on=iso_date(m, year),
        ongoing=ongoing,
    )


def _deadline_year_end(m: re.Match, year: int, text: str) -> Deadline:
    ongoing = bool(m.group("ongoing"))
    y = int(m.group("y")) if m.group("y") else year
    return Deadline(
        text=text,
        kind="date_ongoing" if ongoing else "date",
        due_on=date(y, 12, 31).isoformat(),
        ongoing=ongoing,
    )


def _deadline_event(m: re.Match, year: int, text: str) -> Deadline:
    return Deadline(
        text=text,
        kind="after_event",
        event=_event_name(m.group("event")),
        event_offset_days=int(m.group("n")),
    )


def _deadline_external(m: re.Match, year: int, text: str) -> Deadline:
    return Deadline(text=text, kind="external")


# Deadline phrases, tried in order on the normalised deadline text.
_DEADLINE_RULES: tuple[tuple[re.Pattern, Callable[[re.Match, int, str], Deadline]], ...] = (
    (re.compile(DATE + r"前完成(?P<ongoing>并长期坚持)?"), _deadline_date),
    (re.compile(r"(?P<y>\d{4})?年底前完成(?P<ongoing>并长期坚持)?"), _deadline_year_end),
    (
        re.compile(r"(?P<event>[^,;；]+?)后(?P<n>\d+)个?(?:工作日|日|天)内完成"),
        _deadline_event,
    ),
    (re.compile(r"按照?[^,;；]*?(?:要求|规定)?时限推进"), _deadline_external),
)


def parse_deadline(text: str, *, year: int, code: str) -> Deadline:
    """Read the deadline phrase of a task's parenthetical (empty text → kind ``none``)."""
    norm = normalize_text(text)
    if not norm:
        return Deadline()
    for rx, build in _DEADLINE_RULES:
        m = rx.search(norm)
        if m:
            return build(m, year, text.strip())
    raise PlanImportError(
        f"任务 {code}：无法识别时限“{text.strip()}”，请在导入程序的时限短语表中补充"
    )
