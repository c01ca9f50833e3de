"""The parenthetical that closes every task: ``(X牵头，Y负责落实，6月30日前完成)``.

Its segments name units first (each ending in a role word), then the deadline.
"""

from __future__ import annotations

import re

from pipelines.plan.importer.deadlines import Deadline, parse_deadline
from pipelines.plan.importer.errors import PlanImportError
from pipelines.plan.importer.units import ROLE_SEGMENT, ROLES, Units, add_new, split_names
from pipelines.reference.units import UnitRegistry

_OPEN = "(（"
_CLOSE = ")）"


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
        m = ROLE_SEGMENT.match(seg.strip())
        if not m:
            continue
        if i != last_unit + 1:
            raise PlanImportError(f"任务 {code}：括注“{content}”中责任单位与时限的顺序无法识别")
        last_unit = i
        names = split_names(m["names"], registry, code, units.notes)
        is_lead = dict(ROLES)[m["role"]]
        add_new(units.lead if is_lead else others, names)
    if last_unit < 0:
        raise PlanImportError(f"任务 {code}：括注“{content}”中没有找到责任单位（牵头/负责落实）")
    if not units.lead:
        # "X负责落实" with no 牵头 unit: the named units lead; a bare group leads nobody.
        units.lead = [n for n in others if not n.startswith("@")]
    add_new(units.responsible, units.lead)
    add_new(units.responsible, others)
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


def ends_with_parenthetical(text: str) -> bool:
    """Whether a task's text is complete: it ends with a units-and-deadline parenthetical."""
    # "(以下简称条例)" at a line break is a parenthetical too, but names no unit.
    parts = split_trailing_parenthetical(text)
    return parts is not None and any(
        ROLE_SEGMENT.match(seg.strip()) for _, seg in _segments(parts[1])
    )
