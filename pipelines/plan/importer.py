"""Draft a plan catalogue (``plan-<year>.json``) from the text of a county's openness plan.

The plan text follows fixed conventions: sections ``一、``, subsections ``(一)`` / ``（一）``,
numbered items ``1.`` under some subsections, and every task ends with a parenthetical naming
its units and deadline. The importer reads those conventions with regular expressions and
phrase tables, so next year's plan needs a new text file, not new code. Its output is a draft:
the office reviews it (titles above all) before it is committed.

Usage::

    python -m pipelines.plan.importer data/reference/640521/plan-2018.txt \\
        --division 640521 --year 2018 --out data/reference/640521/plan-2018.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipelines.plan.catalogue import cn_to_int
from pipelines.reference.names import normalize_text
from pipelines.reference.units import UnitRegistry, load_registry

GROUP_DEPARTMENTS = "@部门"
GROUP_TOWNSHIPS = "@乡镇"
GROUP_ALL = "@all"

TITLE_MAX_CHARS = 30

# Plan-wide targets hold for every plan of this kind; they are not written per task.
DEFAULT_PLAN_TARGETS = (
    {
        "metric": "tasks_done_by_deadline",
        "description": "每项任务在时限内报告完成（已完成或长期坚持）并附佐证",
        "params": {},
    },
    {"metric": "returns_on_time", "description": "各责任单位按月按时报送进展", "params": {}},
    {"metric": "requests_within_clock", "description": "依申请公开在法定期限内答复", "params": {}},
    {
        "metric": "disclosure_timeliness",
        "description": "主动公开信息在形成或变更之日起20个工作日内公开",
        "params": {"limit_days": 20, "day_kind": "working"},
    },
)

_CN_NUM = "一二三四五六七八九十"
_SECTION = re.compile(rf"^([{_CN_NUM}]+)、\s*(.+)$")
_SUBSECTION = re.compile(rf"^[(（]\s*([{_CN_NUM}]+)\s*[)）]\s*(.*)$")
_ITEM = re.compile(r"^([0-9０-９]{1,2})\s*[.．、]\s*(.+)$")
_TITLE = re.compile(r"\S*\d{4}年\S*(?:方案|要点|计划)")
_DRAFT_MARK = re.compile(r"[(（]\s*(?:征求意见稿|送审稿|草案)\s*[)）]\s*$")
_ISSUED = re.compile(r"发表日期\s*[:：]\s*(\d{4})年(\d{1,2})月")

_OPEN = "(（"
_CLOSE = ")）"
_B_OPEN = r"[〔(（]"
_B_CLOSE = r"[〕)）]"
_UNIT_WORD = rf"(?:{_B_OPEN}单位{_B_CLOSE}|单位)?"

# Role words end a unit segment of the parenthetical; the boolean says "this is a lead role".
# Longer words come first so "按照工作职能负责落实" is not read as "负责落实".
_ROLES = (
    ("按照工作职能负责落实", False),
    ("按职责分工负责落实", False),
    ("牵头负责落实", True),
    ("牵头落实", True),
    ("牵头负责", True),
    ("牵头", True),
    ("配合落实", False),
    ("负责落实", False),
    ("配合", False),
    ("负责", False),
)
_ROLE_SEGMENT = re.compile(
    r"^(?P<names>.+?)\s*(?P<role>" + "|".join(re.escape(r) for r, _ in _ROLES) + r")$"
)
# "X等部门〔单位〕" lists examples, not every unit; the listed ones are what can be tracked.
_TRAILING_ETC = re.compile(rf"等(?:部门{_UNIT_WORD})?$")

# Group phrases, tried at each position of a unit list before splitting it on "、",
# because "各乡镇、部门〔单位〕" is one phrase that itself contains "、".
_GROUP_PHRASES = (
    (
        re.compile(rf"各乡镇(?:人民政府)?\s*[、和及]\s*(?:县政府)?各?部门{_UNIT_WORD}"),
        (GROUP_TOWNSHIPS, GROUP_DEPARTMENTS),
    ),
    (re.compile(rf"(?:县政府)?各部门{_UNIT_WORD}(?:及直属机构)?"), (GROUP_DEPARTMENTS,)),
    (re.compile(r"各乡镇(?:人民政府)?"), (GROUP_TOWNSHIPS,)),
)
# Open-ended phrases that name no unit the registry could expand; kept as a note for people.
_NOTE_PHRASES = (re.compile(rf"其他(?:有关|相关)?部门{_UNIT_WORD}"),)

_DATE = r"(?:(?P<y>\d{4})年)?(?P<mo>\d{1,2})月(?P<d>\d{1,2})日"

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


class PlanImportError(ValueError):
    """The plan text breaks the conventions the importer reads; the message says where."""


def _iso(m: re.Match, year: int) -> str:
    y = int(m.group("y")) if m.group("y") else year
    return date(y, int(m.group("mo")), int(m.group("d"))).isoformat()


def _cn_date(iso: str) -> str:
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
        due_on=_iso(m, year),
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
    (re.compile(_DATE + r"前完成(?P<ongoing>并长期坚持)?"), _deadline_date),
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


# --- quantitative targets -------------------------------------------------------------------

# Keywords of the task text that name a disclosure category (raw-formats.md 信息类别).
_CATEGORY_KEYWORDS = (
    ("审计", "审计信息"),
    ("办事", "办事服务"),
    ("预决算", "预决算"),
    ("重大建设项目", "重大建设项目"),
    ("债务", "政府债务"),
    ("公共资源", "公共资源配置"),
    ("建议", "建议提案办理"),
)


def _category_in(text: str, code: str) -> str:
    hits = [(text.find(k), cat) for k, cat in _CATEGORY_KEYWORDS if k in text]
    if not hits:
        raise PlanImportError(f"任务 {code}：时效目标无法判断信息类别，请在类别关键词表中补充")
    return min(hits)[1]


def _units_of(phrase: str) -> str:
    has_town, has_dept = "乡镇" in phrase, "部门" in phrase
    if has_town and has_dept:
        return GROUP_ALL
    if has_town:
        return GROUP_TOWNSHIPS
    return GROUP_DEPARTMENTS


@dataclass(frozen=True)
class TargetRule:
    """A phrase pattern of the plan text that states a measurable target."""

    metric: str
    pattern: re.Pattern
    params: Callable[[re.Match, int, str, str], dict]
    description: Callable[[re.Match, dict], str]


_DAY_WORDS = {"工作日": "个工作日", "日": "日", "天": "天"}


def _by(m: re.Match, year: int) -> str:
    return _iso(m, year)


_TARGET_RULES: tuple[TargetRule, ...] = (
    TargetRule(
        "open_meetings_min",
        re.compile(r"列席[^。]*?会议不得少于(?P<n>\d+)次"),
        lambda m, y, text, code: {"activity_type": "会议开放", "min_count": int(m["n"])},
        lambda m, p: (
            f"年内邀请利益相关方、公众代表等列席涉及重大民生事项的政府会议不少于{p['min_count']}次"
        ),
    ),
    TargetRule(
        "inspection_by",
        re.compile(_DATE + r"前,?[^。]*?开展[^。]*?全县性?(?P<kw>[^。,]+?)(?:信息)?公开专项检查"),
        lambda m, y, text, code: {
            "activity_type": "专项检查",
            "keyword": m["kw"],
            "by": _by(m, y),
        },
        lambda m, p: f"{_cn_date(p['by'])}前集中开展一次全县{p['keyword']}信息公开专项检查",
    ),
    TargetRule(
        "column_live_by",
        re.compile(r"开设(?P<cat>[^。,]+?)公开专栏.*?" + _DATE + r"前完成[^,。)]*?专栏开设"),
        lambda m, y, text, code: {"category": m["cat"], "by": _by(m, y)},
        lambda m, p: f"{_cn_date(p['by'])}前在政府网站开设{p['category']}公开专栏并完善相关信息",
    ),
    TargetRule(
        "publish_within",
        re.compile(
            r"(?:应在)?(?P<event>[^,。(]*?(?:确定|审批程序))后(?P<n>\d+)个?(?P<unit>工作日|日|天)内"
        ),
        lambda m, y, text, code: {
            "category": _category_in(text, code),
            "limit_days": int(m["n"]),
            "day_kind": "working" if m["unit"] == "工作日" else "calendar",
        },
        lambda m, p: f"{p['category']}：{m['event']}后{m['n']}{_DAY_WORDS[m['unit']]}内公开",
    ),
    TargetRule(
        "showcase_projects_by",
        re.compile(
            r"每个部门(?:\(单位\))?确定(?P<lo>\d+)[-~～—至](?P<hi>\d+)个[^。]*?"
            r"(?P<cat>重大建设项目).*?" + _DATE + r"前完成"
        ),
        lambda m, y, text, code: {
            "category": m["cat"],
            "min_per_unit": int(m["lo"]),
            "max_per_unit": int(m["hi"]),
            "by": _by(m, y),
        },
        lambda m, p: (
            f"{_cn_date(p['by'])}前每个责任部门(单位)确定{p['min_per_unit']}-{p['max_per_unit']}个"
            f"社会关注度高的{p['category']}示范公开"
        ),
    ),
    TargetRule(
        "head_interpretation_min",
        re.compile(
            r"(?P<who>各(?:乡镇)?[、和]?部门(?:\(单位\))?|各乡镇)主要负责同志[^。]*?"
            r"第一解读人[^。]*?不少于(?P<n>\d+)次"
        ),
        lambda m, y, text, code: {"min_per_unit": int(m["n"]), "units": _units_of(m["who"])},
        lambda m, p: f"{m['who']}主要负责同志年内解读重要政策措施不少于{p['min_per_unit']}次",
    ),
    TargetRule(
        "founded_by",
        re.compile(r"创办(?P<what>[^。,]*?公报).*?" + _DATE + r"前完成"),
        lambda m, y, text, code: {"channel": "政府公报", "by": _by(m, y)},
        lambda m, p: f"{_cn_date(p['by'])}前创办{m['what']}",
    ),
    TargetRule(
        "training_by",
        re.compile(_DATE + r"前,?对(?P<who>[^。]*?)工作人员培训"),
        lambda m, y, text, code: {
            "activity_type": "培训",
            "by": _by(m, y),
            "units": _units_of(m["who"]),
        },
        lambda m, p: f"{_cn_date(p['by'])}前对{m['who']}工作人员培训一遍",
    ),
    TargetRule(
        "head_study_min",
        re.compile(r"(?P<who>[^。,]*?)主要负责人年内至少研究部署(?P<n>\d+)次"),
        lambda m, y, text, code: {
            "activity_type": "研究部署",
            "min_per_unit": int(m["n"]),
            "units": _units_of(m["who"]),
        },
        lambda m, p: f"{m['who']}主要负责人年内至少研究部署{p['min_per_unit']}次政务公开工作",
    ),
)


def find_targets(text: str, *, year: int, code: str) -> list[dict]:
    """Quantitative targets stated in a task's text, in the order the text states them."""
    norm = normalize_text(text)
    found: list[tuple[int, dict]] = []
    for rule in _TARGET_RULES:
        for m in rule.pattern.finditer(norm):
            params = rule.params(m, year, norm, code)
            found.append(
                (
                    m.end(),
                    {
                        "metric": rule.metric,
                        "description": rule.description(m, params),
                        "params": params,
                    },
                )
            )
    return [t for _, t in sorted(found, key=lambda pair: pair[0])]


# --- units ----------------------------------------------------------------------------------


@dataclass
class Units:
    """Units of one task's parenthetical."""

    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _add(target: list[str], names: list[str]) -> None:
    target += [n for n in names if n not in target]


def _split_names(names: str, registry: UnitRegistry, code: str, notes: list[str]) -> list[str]:
    names = _TRAILING_ETC.sub("", names.strip())
    out: list[str] = []
    pos = 0
    while pos < len(names):
        if names[pos] in "、 \u3000":
            pos += 1
            continue
        matched = False
        for rx in _NOTE_PHRASES:
            m = rx.match(names, pos)
            if m and (m.end() == len(names) or names[m.end()] == "、"):
                notes.append(m.group(0))
                pos, matched = m.end(), True
                break
        if not matched:
            for rx, tokens in _GROUP_PHRASES:
                m = rx.match(names, pos)
                if m and (m.end() == len(names) or names[m.end()] == "、"):
                    _add(out, list(tokens))
                    pos, matched = m.end(), True
                    break
        if matched:
            continue
        end = names.find("、", pos)
        end = len(names) if end < 0 else end
        name = names[pos:end].strip()
        canonical = registry.resolve(name)
        if canonical is None:
            raise PlanImportError(
                f"任务 {code}：单位“{name}”不在单位名录中，请核对名称或在 units.csv 中补充别名"
            )
        _add(out, [canonical])
        pos = end
    return out


def _segments(content: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^,，]+", content)]


def parse_parenthetical(
    content: str, *, registry: UnitRegistry, year: int, code: str
) -> tuple[Units, Deadline]:
    """Units and deadline of the parenthetical that closes a task."""
    units = Units()
    others: list[str] = []
    segments = _segments(content)
    last_unit = -1
    for i, (_, seg) in enumerate(segments):
        m = _ROLE_SEGMENT.match(seg.strip())
        if not m:
            continue
        if i != last_unit + 1:
            raise PlanImportError(f"任务 {code}：括注“{content}”中责任单位与时限的顺序无法识别")
        last_unit = i
        names = _split_names(m["names"], registry, code, units.notes)
        is_lead = dict(_ROLES)[m["role"]]
        _add(units.lead if is_lead else others, names)
    if last_unit < 0:
        raise PlanImportError(f"任务 {code}：括注“{content}”中没有找到责任单位（牵头/负责落实）")
    if not units.lead:
        # "X负责落实" with no 牵头 unit: the named units lead; a bare group leads nobody.
        units.lead = [n for n in others if not n.startswith("@")]
    _add(units.responsible, units.lead)
    _add(units.responsible, others)
    rest = segments[last_unit + 1 :]
    deadline_text = content[rest[0][0] :].strip() if rest else ""
    return units, parse_deadline(deadline_text, year=year, code=code)


def split_trailing_parenthetical(text: str) -> tuple[str, str] | None:
    """Split ``body(content)`` at the parenthetical that ends the text; None if there is none."""
    stripped = text.rstrip().rstrip("。").rstrip()
    if not stripped or stripped[-1] not in _CLOSE:
        return None
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        ch = stripped[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                return stripped[:i], stripped[i + 1 : -1]
    return None


# --- structure ------------------------------------------------------------------------------


@dataclass
class _Block:
    """A section, subsection or item while the text is being read."""

    number: int
    heading: str = ""
    text: str = ""
    line_no: int = 0
    children: list[_Block] = field(default_factory=list)


def _find_title(lines: list[str], year: int) -> str:
    for line in lines:
        title = _DRAFT_MARK.sub("", line.strip()).strip()
        if _TITLE.fullmatch(title):
            if str(year) not in title:
                raise PlanImportError(f"计划标题“{title}”与年份 {year} 不一致")
            return title
    raise PlanImportError("未找到计划标题（形如“……{year}年……方案”的一行）")


def _body_start(lines: list[str], title: str) -> int:
    # The web copy repeats the title in a cover letter; the plan proper follows its last line.
    key = normalize_text(title)
    starts = [i + 1 for i, line in enumerate(lines) if normalize_text(line) == key]
    return starts[-1] if starts else 0


def _check_number(expected: int, got: int, what: str, line_no: int) -> None:
    if got != expected:
        raise PlanImportError(f"计划文本第{line_no}行：{what}编号应为 {expected}，实为 {got}")


def _ends_with_parenthetical(text: str) -> bool:
    # Only the units-and-deadline parenthetical ends a task; "(以下简称条例)" at a line
    # break does not.
    parts = split_trailing_parenthetical(text)
    return parts is not None and any(
        _ROLE_SEGMENT.match(seg.strip()) for _, seg in _segments(parts[1])
    )


def _read_structure(lines: list[str], start: int) -> list[_Block]:
    sections: list[_Block] = []
    last: _Block | None = None  # the block that continuation lines would extend
    for line_no, raw in enumerate(lines[start:], start=start + 1):
        line = raw.strip()
        if not line:
            continue
        if m := _SECTION.match(line):
            num = cn_to_int(m[1])
            _check_number(len(sections) + 1, num, "部分", line_no)
            sections.append(_Block(num, heading=m[2].strip(), line_no=line_no))
            last = None
        elif m := _SUBSECTION.match(line):
            if not sections:
                raise PlanImportError(f"计划文本第{line_no}行：小节出现在第一部分之前")
            sec = sections[-1]
            num = cn_to_int(m[1])
            _check_number(len(sec.children) + 1, num, f"第{sec.number}部分的小节", line_no)
            rest = m[2].strip()
            head, sep, body = rest.partition("。")
            sub = _Block(num, heading=head.strip(), text=body.strip() if sep else "")
            sub.line_no = line_no
            sec.children.append(sub)
            last = sub
        elif (m := _ITEM.match(line)) and sections and sections[-1].children:
            sub = sections[-1].children[-1]
            num = int(m[1])
            _check_number(len(sub.children) + 1, num, f"小节“{sub.heading}”的条目", line_no)
            item = _Block(num, text=m[2].strip(), line_no=line_no)
            sub.children.append(item)
            last = item
        elif last is not None and not _ends_with_parenthetical(last.text):
            # A task paragraph broken over lines continues until its closing parenthetical.
            last.text += line
        # Anything else is a section's lead-in paragraph or page chrome; neither is a task.
    return sections


def _item_title(text: str) -> str:
    clause = re.split(r"[,，。;；]", text, maxsplit=1)[0].strip()
    return clause if len(clause) <= TITLE_MAX_CHARS else clause[: TITLE_MAX_CHARS - 1] + "…"


def _task(
    *,
    code: str,
    section: _Block,
    sub: _Block,
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

    ``first_period`` defaults to the month the plan was published (``发表日期``), else January.
    Raises ``PlanImportError`` naming the task and the phrase when the text cannot be read.
    """
    lines = text.lstrip("\ufeff").splitlines()
    title = _find_title(lines, year)
    sections = _read_structure(lines, _body_start(lines, title))
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
                        title=_item_title(item.text),
                        text=item.text,
                        line_no=item.line_no,
                        **common,
                    )
                )
    if first_period is None:
        m = _ISSUED.search(text)
        first_period = f"{m[1]}-{int(m[2]):02d}" if m and int(m[1]) == year else f"{year}-01"
    plan_targets = json.loads(json.dumps(DEFAULT_PLAN_TARGETS))
    for target in plan_targets:
        if target["metric"] == "returns_on_time":
            target["params"]["due_day"] = due_day
    return {
        "division": str(division),
        "year": int(year),
        "title": title,
        "source_text": source_text,
        "reporting": {
            "due_day": due_day,
            "first_period": first_period,
            "last_period": f"{year}-12",
        },
        "plan_targets": plan_targets,
        "tasks": tasks,
    }


def dump_catalogue(catalogue: dict) -> str:
    """The catalogue as the committed JSON text (readable Chinese, two-space indent)."""
    return json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: import a plan text and write the draft catalogue.

    Refuses to replace an existing catalogue without ``--force``, because the committed file
    carries the office's review. Returns the process exit code.
    """
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.plan.importer", description="从计划文本生成计划目录草稿（JSON）"
    )
    parser.add_argument("text", type=Path, help="计划文本文件（UTF-8）")
    parser.add_argument("--division", required=True, help="6位行政区划代码，如 640521")
    parser.add_argument("--year", required=True, type=int, help="计划年度")
    parser.add_argument("--out", required=True, type=Path, help="输出的 plan-<年度>.json")
    parser.add_argument("--force", action="store_true", help="覆盖已存在（已审核）的输出文件")
    parser.add_argument(
        "--reference-dir",
        type=Path,
        help="单位名录所在目录（含 units.csv、division.json），默认为计划文本所在目录",
    )
    parser.add_argument("--due-day", type=int, default=5, help="月报截止日（次月几日），默认 5")
    parser.add_argument("--first-period", help="首个报送期间 YYYY-MM，默认取计划发表月份")
    args = parser.parse_args(argv)

    if args.out.exists() and not args.force:
        print(
            f"输出文件 {args.out} 已存在且可能已审核，未覆盖；确需重新生成请加 --force",
            file=sys.stderr,
        )
        return 2
    reference_dir = args.reference_dir or args.text.parent
    try:
        registry = load_registry(reference_dir)
        catalogue = import_plan(
            args.text.read_text(encoding="utf-8-sig"),
            division=args.division,
            year=args.year,
            registry=registry,
            source_text=args.text.name,
            due_day=args.due_day,
            first_period=args.first_period,
        )
    except (OSError, ValueError) as exc:
        print(f"导入失败：{exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump_catalogue(catalogue), encoding="utf-8")
    print(f"已写出 {args.out}：{len(catalogue['tasks'])} 项任务，请逐项审核后提交")
    return 0


if __name__ == "__main__":
    sys.exit(main())
