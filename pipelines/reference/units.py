"""The unit registry of a division, with its history.

``units.csv`` lists every unit that has existed, each with the period its name was in force
(``valid_from``/``valid_to``, blank = open-ended), and ``unit-changes.csv`` records each
rename, merge or split (docs/units.md). A spelling in a file resolves to a unit on the file
row's own date: an old name after its change, or a new name before it, is refused with a
reason naming the change, unless the office grants the old name a grace period.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pipelines.reference.names import normalize_text

KINDS = ("部门", "乡镇")
# How unit-changes.csv may write the kind of a change: English codes or the office's words.
CHANGE_KINDS = {"rename": "rename", "更名": "rename", "merge": "merge", "合并": "merge",
                "split": "split", "拆分": "split", "分设": "split"}
CHANGE_LABELS = {"rename": "更名", "merge": "合并", "split": "拆分"}
CHANGES_FILE = "unit-changes.csv"
_YES = {"是", "Y", "YES", "TRUE", "1", "√"}


def whole_label(division: str, name: str | None, short_prefix: str | None) -> str:
    """How tables and prose name the whole division: ``全县`` for a division whose short prefix
    is ``县``; without one ``中宁县全域``; for a division without reference data its code."""
    if short_prefix:
        return f"全{short_prefix}"
    return f"{name or division}全域"


def cn_date(day: date) -> str:
    """A date as the office writes it: ``2019年4月1日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def span_label(start: date, end: date) -> str:
    """A row's date or period as a reason names it: a day, a month or a year."""
    if start == end:
        return cn_date(start)
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年" if start.year == end.year else f"{cn_date(start)}至{cn_date(end)}"


@dataclass(frozen=True)
class Unit:
    """One department or township, as the registry names it, and when that name was in force."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None  # first day in force; None: in force before any record
    valid_to: date | None = None  # last day in force; None: still in force

    def in_force(self, start: date, end: date) -> bool:
        """Whether the name was in force on any day of ``start``..``end``."""
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or self.valid_to >= start)


@dataclass(frozen=True)
class UnitChange:
    """One line of unit-changes.csv: on ``changed_on`` the old units became the new ones.

    The first new unit carries on the old units' work (their tasks, their line in charts);
    for a split the office lists the continuing unit first.
    """

    line: int
    changed_on: date
    kind: str
    old_units: tuple[str, ...]
    new_units: tuple[str, ...]
    grace_until: date | None = None
    source: str | None = None
    verified: bool = False
    note: str | None = None

    def describe(self) -> str:
        """The change in words, as a quarantine reason names it."""
        return (f"{'、'.join(self.old_units)}已于{cn_date(self.changed_on)}"
                f"{CHANGE_LABELS[self.kind]}为{'、'.join(self.new_units)}"
                f"（{CHANGES_FILE} 第{self.line}行）")


@dataclass(frozen=True)
class Resolution:
    """A spelling resolved on a date: the unit, or why not."""

    unit: str | None
    reason: str | None = None


@dataclass
class UnitRegistry:
    """Resolves any spelling of a unit to its canonical name, on a date, for one division."""

    division: str
    county_name: str
    short_prefix: str
    units: list[Unit]
    changes: list[UnitChange] = field(default_factory=list)
    _index: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _by_name: dict[str, Unit] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # The division itself (its name, 全县) is no unit of the registry, but a file may name
        # it: a facts row of 中宁县 is the division's explicit total (docs/raw-formats.md).
        for spelling in self.division_spellings():
            self._index[normalize_text(spelling)] = [self.county_name]
        self._by_name = {u.name: u for u in self.units}
        for unit in self.units:
            for spelling in self._spellings(unit):
                owners = self._index.setdefault(normalize_text(spelling), [])
                if owners == [self.county_name] and unit.name != self.county_name:
                    raise ValueError(
                        f"单位名录 {self.division}：别名“{spelling}”与行政区划本身的名称相同"
                    )
                if unit.name not in owners:
                    # Two units may share a spelling only in periods that do not overlap
                    # (an abbreviation handed on by a reform); the registry checks
                    # (unit_registry_problems.sql) report any overlap.
                    owners.append(unit.name)

    def division_spellings(self) -> list[str]:
        """How files name the division as a whole: its name and ``全县`` (its whole label)."""
        return [self.county_name, whole_label(self.division, self.county_name, self.short_prefix)]

    def is_division(self, name: str | None) -> bool:
        """Whether a canonical name is the division itself rather than one of its units."""
        return name == self.county_name

    def spellings(self, unit: Unit) -> list[str]:
        """Every spelling of a unit files may use: its name and aliases, with and without the
        county's name or short prefix."""
        return list(dict.fromkeys(self._spellings(unit)))

    def _spellings(self, unit: Unit) -> list[str]:
        # Units write their own name with or without the county prefix ("县财政局",
        # "财政局", "中宁县财政局"); generating those spares the office listing them.
        names = [unit.name, *unit.aliases]
        out: list[str] = []
        for name in names:
            out += [name, self.county_name + name]
            if self.short_prefix and name.startswith(self.short_prefix):
                bare = name[len(self.short_prefix) :]
                out += [bare, self.county_name + bare]
        return out

    def resolve(self, name: object) -> str | None:
        """Canonical name for any spelling whatever the date, or None when the unit is unknown
        or the spelling has named different units over time (then only a date decides)."""
        owners = self._index.get(normalize_text(name), [])
        return owners[0] if len(owners) == 1 else None

    def unit(self, name: str) -> Unit | None:
        """The registry's unit of a canonical name."""
        return self._by_name.get(name)

    def _in_force(self, name: str, start: date, end: date) -> bool:
        unit = self._by_name.get(name)
        return unit is None or unit.in_force(start, end)  # the division is always in force

    def resolve_during(self, name: object, start: date | None, end: date | None = None) -> Resolution:
        """The unit a spelling names on a row dated ``start``..``end`` (a day, a return's
        month, a facts year), or the reason it cannot: unknown, or not in force then."""
        owners = self._index.get(normalize_text(name), [])
        if not owners:
            return Resolution(None, f"单位名称不在{self.division}单位名录中")
        if start is None:
            # A row without its date (already refused for it) still needs a name when unique.
            return Resolution(owners[0]) if len(owners) == 1 else Resolution(
                None, f"“{name}”在单位名录中先后指{'、'.join(owners)}，本行没有日期，无法确定")
        end = end or start
        valid = [u for u in owners if self._in_force(u, start, end)]
        if len(valid) == 1:
            return Resolution(valid[0])
        when = span_label(start, end)
        if valid:
            return Resolution(None, f"“{name}”在{when}同时指{'、'.join(valid)}，请在单位名录中修正别名")
        for owner in owners:
            granted = self._grace(owner, start, end)
            if granted:
                return Resolution(granted)
        return Resolution(None, self._why_not(owners[0], name, when, start))

    def _grace(self, name: str, start: date, end: date) -> str | None:
        # An old name the office accepts for a while after its change: it stands for the one
        # unit that took over, if that unit is in force on the row's date.
        for change in self.changes:
            if (name in change.old_units and change.grace_until and len(change.new_units) == 1
                    and change.changed_on <= start and end <= change.grace_until
                    and self._in_force(change.new_units[0], start, end)):
                return change.new_units[0]
        return None

    def _why_not(self, name: str, written: object, when: str, start: date) -> str:
        unit = self._by_name[name]
        same = normalize_text(written) == normalize_text(name)
        shown = f"“{written}”" if same else f"“{written}”（{name}）"
        if unit.valid_to is not None and unit.valid_to < start:
            change = next((c for c in self.changes if name in c.old_units), None)
            if change:
                return (f"单位名称{shown}在{when}已停用：{change.describe()}，"
                        f"请写{'或'.join(change.new_units)}")
            return f"单位名称{shown}自{cn_date(unit.valid_to + timedelta(days=1))}起已停用（本行为{when}）"
        change = next((c for c in self.changes if name in c.new_units), None)
        if change:
            return (f"单位名称{shown}在{when}尚未启用：{change.describe()}，"
                    f"此前请写{'或'.join(change.old_units)}")
        return f"单位名称{shown}自{cn_date(unit.valid_from)}起才启用（本行为{when}）"

    def names(self, kind: str | None = None, on: date | None = None) -> list[str]:
        """Canonical names, optionally only of one kind (``部门`` or ``乡镇``) and only those in
        force on one day (None: every unit that has existed)."""
        return [u.name for u in self.units if (kind is None or u.kind == kind)
                and (on is None or u.in_force(on, on))]

    def kind_of(self, name: str) -> str:
        """Kind of a canonical unit name."""
        return self._by_name[name].kind

    def successor(self, name: str) -> UnitChange | None:
        """The change that ended a unit's name, if any."""
        return next((c for c in self.changes if name in c.old_units), None)

    def name_on(self, name: str, day: date) -> str:
        """What a unit was called on ``day``: itself, or the unit that carried on its work
        (the first new unit of each change) once its name had ended."""
        seen = {name}
        while (change := self.successor(name)) and change.changed_on <= day:
            name = change.new_units[0]
            if name in seen:  # a cycle is a registry error the checks report
                break
            seen.add(name)
        return name

    def current(self, name: str) -> str:
        """The unit that carries on a unit's work today (``unit_current`` of the marts)."""
        return self.name_on(name, date.max)


def _day(value: str | None, where: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{where} {column} 列应为 YYYY-MM-DD 日期，实为“{value}”") from None


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(n.strip() for n in (value or "").split("|") if n.strip())


def _rows(path: Path) -> list[tuple[int, dict[str, str | None]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [(line_no, {k: ((v or "").strip() or None) for k, v in row.items() if k})
                for line_no, row in enumerate(csv.DictReader(fh), start=2)]


def load_changes(path: Path) -> list[UnitChange]:
    """Read ``unit-changes.csv`` (none: no change recorded)."""
    if not path.is_file():
        return []
    changes = []
    for line_no, row in _rows(path):
        where = f"{path} 第{line_no}行"
        kind = CHANGE_KINDS.get(row.get("kind") or "")
        if kind is None:
            raise ValueError(f"{where} kind 列应为 rename/merge/split（更名/合并/拆分），"
                             f"实为“{row.get('kind')}”")
        changed_on = _day(row.get("date"), where, "date")
        if changed_on is None:
            raise ValueError(f"{where} date 列为空")
        old, new = _names(row.get("old_units")), _names(row.get("new_units"))
        if not old or not new:
            raise ValueError(f"{where} old_units 和 new_units 都不能为空")
        changes.append(UnitChange(
            line=line_no, changed_on=changed_on, kind=kind, old_units=old, new_units=new,
            grace_until=_day(row.get("grace_until"), where, "grace_until"), source=row.get("source"),
            verified=(row.get("verified") or "").upper() in _YES, note=row.get("note")))
    return changes


def load_registry(division_dir: Path) -> UnitRegistry:
    """Read ``division.json``, ``units.csv`` and ``unit-changes.csv`` of one division's
    reference folder."""
    meta = json.loads((division_dir / "division.json").read_text(encoding="utf-8"))
    units: list[Unit] = []
    path = division_dir / "units.csv"
    for line_no, row in _rows(path):
        where = f"{path} 第{line_no}行"
        kind = row.get("kind") or ""
        if kind not in KINDS:
            raise ValueError(f"{where} kind 列应为 {'/'.join(KINDS)}，实为“{kind}”")
        units.append(Unit(name=row["unit"], kind=kind, aliases=_names(row.get("aliases")),
                          valid_from=_day(row.get("valid_from"), where, "valid_from"),
                          valid_to=_day(row.get("valid_to"), where, "valid_to")))
    return UnitRegistry(
        division=str(meta["code"]),
        county_name=meta["name"],
        short_prefix=meta.get("short_prefix", ""),
        units=units,
        changes=load_changes(division_dir / CHANGES_FILE),
    )
