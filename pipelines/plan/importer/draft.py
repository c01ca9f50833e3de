"""The plan text → the catalogue dict: one task per subsection without items, or per item."""

from __future__ import annotations

import json
import re
from datetime import date

from pipelines.plan.importer.errors import PlanImportError
from pipelines.plan.importer.parenthetical import parse_parenthetical, split_trailing_parenthetical
from pipelines.plan.importer.structure import Block, body_start, find_title, item_title, read_structure
from pipelines.plan.importer.targets import find_targets, plan_targets
from pipelines.reference.units import UnitRegistry

_ISSUED = re.compile(r"发表日期\s*[:：]\s*(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")


def _task(
    *,
    code: str,
    section: Block,
    sub: Block,
    title: str,
    text: str,
    registry: UnitRegistry,
    year: int,
    line_no: int,
) -> dict:
    parts = split_trailing_parenthetical(text)
    if parts is None:
        raise PlanImportError(f"任务 {code}（第{line_no}行）末尾没有责任单位与时限括注")
    units, deadline = parse_parenthetical(parts[1], registry=registry, year=year, code=code)
    return {
        "code": code,
        "section": str(section.number),
        "section_title": section.heading,
        "subsection_title": sub.heading,
        "title": title,
        "text": text,
        "lead_units": units.lead,
        "responsible_units": units.responsible,
        "responsible_note": "；".join(units.notes) or None,
        "deadline_text": deadline.text,
        "deadline_kind": deadline.kind,
        "due_on": deadline.due_on,
        "ongoing": deadline.ongoing,
        "event": deadline.event,
        "event_offset_days": deadline.event_offset_days,
        "targets": find_targets(text, year=year, code=code),
    }


def import_plan(
    text: str,
    *,
    division: str,
    year: int,
    registry: UnitRegistry,
    source_text: str,
    due_day: int = 5,
    first_period: str | None = None,
) -> dict:
    """Parse a plan's text into the catalogue dict that ``plan_from_dict`` reads.

    ``first_period`` defaults to the month the plan was published (``发表日期``), else January;
    ``issued_on`` is that day, when the text gives it.
    Raises ``PlanImportError`` naming the task and the phrase when the text cannot be read.
    """
    lines = text.lstrip("\ufeff").splitlines()
    title = find_title(lines, year)
    sections = read_structure(lines, body_start(lines, title))
    if not sections:
        raise PlanImportError("计划正文中没有找到“一、”形式的部分标题")
    tasks: list[dict] = []
    for sec in sections:
        if not sec.children:
            raise PlanImportError(f"第{sec.number}部分“{sec.heading}”下没有小节")
        for sub in sec.children:
            common = {"section": sec, "sub": sub, "registry": registry, "year": year}
            if not sub.children:
                if not sub.text:
                    raise PlanImportError(
                        f"任务 {sec.number}.{sub.number}（第{sub.line_no}行）没有正文"
                    )
                tasks.append(
                    _task(
                        code=f"{sec.number}.{sub.number}",
                        title=sub.heading,
                        text=sub.text,
                        line_no=sub.line_no,
                        **common,
                    )
                )
            for item in sub.children:
                tasks.append(
                    _task(
                        code=f"{sec.number}.{sub.number}.{item.number}",
                        title=item_title(item.text),
                        text=item.text,
                        line_no=item.line_no,
                        **common,
                    )
                )
    m = _ISSUED.search(text)
    if first_period is None:
        first_period = f"{m[1]}-{int(m[2]):02d}" if m and int(m[1]) == year else f"{year}-01"
    # The plan's issue date: a deadline before it is judged from it (docs/rules.md).
    issued_on = date(int(m[1]), int(m[2]), int(m[3])).isoformat() if m and m[3] else None
    return {
        "division": str(division),
        "year": int(year),
        "title": title,
        "source_text": source_text,
        "issued_on": issued_on,
        "reporting": {
            "due_day": due_day,
            "first_period": first_period,
            "last_period": f"{year}-12",
        },
        "plan_targets": plan_targets(due_day),
        "tasks": tasks,
    }


def dump_catalogue(catalogue: dict) -> str:
    """The catalogue as the committed JSON text (readable Chinese, two-space indent)."""
    return json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n"
