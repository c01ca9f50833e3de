"""The unit registry of a division: canonical names, kinds and every spelling units use."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.reference.names import normalize_text

KINDS = ("部门", "乡镇")


def whole_label(division: str, name: str | None, short_prefix: str | None) -> str:
    """How tables and prose name the whole division: ``全县`` for a division whose short prefix
    is ``县``; without one ``中宁县全域``; for a division without reference data its code."""
    if short_prefix:
        return f"全{short_prefix}"
    return f"{name or division}全域"


@dataclass(frozen=True)
class Unit:
    """One department or township, as the registry names it."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass
class UnitRegistry:
    """Resolves any alias of a unit to its canonical name for one division."""

    division: str
    county_name: str
    short_prefix: str
    units: list[Unit]
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # The division itself (its name, 全县) is no unit of the registry, but a file may name
        # it: a facts row of 中宁县 is the division's explicit total (docs/raw-formats.md).
        for spelling in self.division_spellings():
            self._index[normalize_text(spelling)] = self.county_name
        for unit in self.units:
            for spelling in self._spellings(unit):
                key = normalize_text(spelling)
                owner = self._index.setdefault(key, unit.name)
                if owner == self.county_name and unit.name != self.county_name:
                    raise ValueError(
                        f"单位名录 {self.division}：别名“{spelling}”与行政区划本身的名称相同"
                    )
                if owner != unit.name:
                    raise ValueError(
                        f"单位名录 {self.division}：别名“{spelling}”同时指向“{owner}”和“{unit.name}”"
                    )

    def division_spellings(self) -> list[str]:
        """How files name the division as a whole: its name and ``全县`` (its whole label)."""
        return [self.county_name, whole_label(self.division, self.county_name, self.short_prefix)]

    def is_division(self, name: str | None) -> bool:
        """Whether a canonical name is the division itself rather than one of its units."""
        return name == self.county_name

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
        """Canonical name for any spelling, or None when the unit is unknown."""
        return self._index.get(normalize_text(name))

    def names(self, kind: str | None = None) -> list[str]:
        """Canonical names, optionally only of one kind (``部门`` or ``乡镇``)."""
        return [u.name for u in self.units if kind is None or u.kind == kind]

    def kind_of(self, name: str) -> str:
        """Kind of a canonical unit name."""
        return next(u.kind for u in self.units if u.name == name)


def load_registry(division_dir: Path) -> UnitRegistry:
    """Read ``division.json`` and ``units.csv`` of one division's reference folder."""
    meta = json.loads((division_dir / "division.json").read_text(encoding="utf-8"))
    units: list[Unit] = []
    with (division_dir / "units.csv").open(encoding="utf-8-sig", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            kind = (row.get("kind") or "").strip()
            if kind not in KINDS:
                raise ValueError(
                    f"{division_dir / 'units.csv'} 第{line_no}行 kind 列应为 {'/'.join(KINDS)}，"
                    f"实为“{kind}”"
                )
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            units.append(Unit(name=row["unit"].strip(), kind=kind, aliases=aliases))
    return UnitRegistry(
        division=str(meta["code"]),
        county_name=meta["name"],
        short_prefix=meta.get("short_prefix", ""),
        units=units,
    )
