"""The units a task's parenthetical names: who leads, who is responsible, and group phrases
(各乡镇、各部门) kept as tokens the registry expands."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.plan.importer.errors import PlanImportError
from pipelines.reference.units import UnitRegistry

GROUP_DEPARTMENTS = "@部门"
GROUP_TOWNSHIPS = "@乡镇"
GROUP_ALL = "@all"

_B_OPEN = r"[〔(（]"
_B_CLOSE = r"[〕)）]"
_UNIT_WORD = rf"(?:{_B_OPEN}单位{_B_CLOSE}|单位)?"

# Role words end a unit segment of the parenthetical; the boolean says "this is a lead role".
# Longer words come first so "按照工作职能负责落实" is not read as "负责落实".
ROLES = (
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
ROLE_SEGMENT = re.compile(
    r"^(?P<names>.+?)\s*(?P<role>" + "|".join(re.escape(r) for r, _ in ROLES) + r")$"
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


@dataclass
class Units:
    """Units of one task's parenthetical."""

    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def add_new(target: list[str], names: list[str]) -> None:
    """Append the names ``target`` does not hold yet, keeping the order they were named in."""
    target += [n for n in names if n not in target]


def group_of(phrase: str) -> str:
    """The group token of a phrase that names units by kind (乡镇, 部门 or both)."""
    has_town, has_dept = "乡镇" in phrase, "部门" in phrase
    if has_town and has_dept:
        return GROUP_ALL
    if has_town:
        return GROUP_TOWNSHIPS
    return GROUP_DEPARTMENTS


def split_names(names: str, registry: UnitRegistry, code: str, notes: list[str]) -> list[str]:
    """The canonical units (and group tokens) of one unit segment, in the order named.

    Open-ended phrases (其他有关部门) go to ``notes``; a name the registry does not know
    stops the import, naming the task.
    """
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
                    add_new(out, list(tokens))
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
        add_new(out, [canonical])
        pos = end
    return out
