"""The plan catalogue: one reviewed JSON file per division and plan year.

``data/reference/<division>/plan-<year>.json`` is produced by ``pipelines.plan.importer`` from
the plan's own text (kept beside it as ``plan-<year>.txt``), reviewed by the office and
committed. Next year's plan is a new file, not new code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pipelines.reference.load import load_division
from pipelines.reference.names import normalize_text
from pipelines.reference.store import ReferenceStore
from pipelines.reference.units import UnitRegistry

DEADLINE_KINDS = ("date", "date_ongoing", "after_event", "external", "none")
# Group words of the plan that stand for "every unit of that kind" in the registry.
UNIT_GROUPS = {"@部门": "部门", "@乡镇": "乡镇"}

CN_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
               "九": 9, "十": 10}
_CN_CODE = re.compile(r"^([一二三四五六七八九十]+)(?:\(([一二三四五六七八九十]+)\))?(\d+)?\.?$")
_NUM_CODE = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?\.?$")


def cn_to_int(text: str) -> int:
    """Chinese numeral up to 99 (一 … 十九 … 九十九) as an int."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_NUMERALS[text[1]]
    if len(text) == 3 and text[1] == "十":
        return CN_NUMERALS[text[0]] * 10 + CN_NUMERALS[text[2]]
    if len(text) == 2 and text[1] == "十":
        return CN_NUMERALS[text[0]] * 10
    return CN_NUMERALS[text]


def parse_task_code(value: object) -> str | None:
    """Normalise ``1.1.3`` / ``一（一）3`` / ``一(一)3.`` / ``一（三）`` to ``1.1.3`` / ``1.3``.

    Returns None for anything that is not a task code, so the caller can quarantine it.
    """
    text = normalize_text(value)
    if not text:
        return None
    m = _NUM_CODE.match(text)
    if m:
        return ".".join(p for p in m.groups() if p)
    m = _CN_CODE.match(text)
    if m and m.group(2):
        parts = [str(cn_to_int(m.group(1))), str(cn_to_int(m.group(2)))]
        if m.group(3):
            parts.append(str(int(m.group(3))))
        return ".".join(parts)
    return None


@dataclass(frozen=True)
class Target:
    """A quantitative target of a task, measured by the metric named ``metric``."""

    metric: str
    description: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """One task of the plan, as reviewed in the catalogue."""

    code: str
    section: str
    title: str
    text: str
    lead_units: tuple[str, ...]
    responsible_units: tuple[str, ...]
    deadline_text: str
    deadline_kind: str
    due_on: date | None
    ongoing: bool
    event: str | None = None
    event_offset_days: int | None = None
    targets: tuple[Target, ...] = ()
    section_title: str | None = None


@dataclass(frozen=True)
class Plan:
    """A division's plan for one year: its tasks and reporting rules."""

    division: str
    year: int
    title: str
    source_text: str
    reporting_due_day: int
    reporting_first_period: str
    reporting_last_period: str
    tasks: tuple[Task, ...]
    plan_targets: tuple[Target, ...] = ()
    issued_on: date | None = None

    def task(self, code: str) -> Task | None:
        """The task with this normalised code, or None."""
        return next((t for t in self.tasks if t.code == code), None)


def expand_units(names: list[str] | tuple[str, ...], registry: UnitRegistry,
                 on: date | None = None) -> tuple[str, ...]:
    """Expand group tokens (``@部门``, ``@乡镇``) into the registry's units in force on ``on``
    (the plan year's first day), keeping order."""
    out: list[str] = []
    for name in names:
        group = UNIT_GROUPS.get(name)
        members = registry.names(group, on=on) if group else [name]
        out += [m for m in members if m not in out]
    return tuple(out)


def plan_from_dict(raw: dict, registry: UnitRegistry | None = None) -> Plan:
    """Build a Plan from catalogue JSON, validating kinds, dates and (if given) unit names."""
    tasks = []
    for t in raw["tasks"]:
        kind = t["deadline_kind"]
        if kind not in DEADLINE_KINDS:
            raise ValueError(f"任务 {t['code']} 的 deadline_kind “{kind}” 不在 {DEADLINE_KINDS} 中")
        lead = tuple(t.get("lead_units", []))
        resp = tuple(t.get("responsible_units", []))
        if registry is not None:
            for name in (*lead, *resp):
                if name not in UNIT_GROUPS and registry.resolve(name) != name:
                    raise ValueError(
                        f"任务 {t['code']} 的单位“{name}”不是单位名录中的规范名称"
                    )
            # A group word means the units of the plan's year as it began: a plan written
            # before a reform names the old units, whose tasks carry over to their successors
            # (unit_current) rather than being assigned twice.
            on = date(int(raw["year"]), 1, 1)
            lead, resp = expand_units(lead, registry, on), expand_units(resp, registry, on)
        tasks.append(
            Task(
                code=t["code"],
                section=t["section"],
                section_title=t.get("section_title") or None,
                title=t["title"],
                text=t["text"],
                lead_units=lead,
                responsible_units=resp,
                deadline_text=t.get("deadline_text", ""),
                deadline_kind=kind,
                due_on=date.fromisoformat(t["due_on"]) if t.get("due_on") else None,
                ongoing=bool(t.get("ongoing", False)),
                event=t.get("event"),
                event_offset_days=t.get("event_offset_days"),
                targets=tuple(Target(**tg) for tg in t.get("targets", [])),
            )
        )
    rep = raw.get("reporting", {})
    return Plan(
        division=str(raw["division"]),
        year=int(raw["year"]),
        title=raw.get("title", ""),
        source_text=raw.get("source_text", ""),
        reporting_due_day=int(rep.get("due_day", 5)),
        reporting_first_period=rep.get("first_period", f"{raw['year']}-01"),
        reporting_last_period=rep.get("last_period", f"{raw['year']}-12"),
        tasks=tuple(tasks),
        plan_targets=tuple(Target(**tg) for tg in raw.get("plan_targets", [])),
        issued_on=date.fromisoformat(raw["issued_on"]) if raw.get("issued_on") else None,
    )


@dataclass(frozen=True)
class Deadline:
    """When a task is due: as the plan's words say (``stated_on``) and as it is judged
    (``due_on``); ``adjusted`` when the words name a day before the plan was issued."""

    stated_on: date | None
    due_on: date | None
    adjusted: bool = False


def judged_deadline(task: Task, issued_on: date | None, event_on: date | None) -> Deadline:
    """The task's deadline. A plan cannot require work before it exists: a due date before
    the plan's issue date is judged from the issue date plus the same interval (the event's
    offset; none for a fixed date), e.g. 1.4 of 2018, "5 days after the two sessions close"
    (26 January), is due 5 days after the plan was issued on 8 June."""
    offset = 0
    if task.due_on is not None:
        stated = task.due_on
    elif task.deadline_kind == "after_event" and event_on is not None:
        offset = task.event_offset_days or 0
        stated = event_on + timedelta(days=offset)
    else:
        return Deadline(None, None)
    if issued_on is not None and stated < issued_on:
        return Deadline(stated, issued_on + timedelta(days=offset), adjusted=True)
    return Deadline(stated, stated)


def load_plans(division_dir: Path, registry: UnitRegistry | None = None) -> list[Plan]:
    """Every ``plan-<year>.json`` of one division, oldest first."""
    plans = []
    for path in sorted(division_dir.glob("plan-*.json")):
        try:
            plans.append(plan_from_dict(json.loads(path.read_text(encoding="utf-8")), registry))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"计划目录文件 {path} 有误：{exc}") from exc
    return plans


def division_plans(store: ReferenceStore, division: str) -> list[Plan]:
    """Every reviewed plan of a division in the reference store (none for an unknown one)."""
    ref = load_division(store, division)
    return load_plans(ref.folder, ref.registry) if ref.folder else []
