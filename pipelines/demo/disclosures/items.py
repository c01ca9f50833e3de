"""One piece of government information, and the drawing helpers every category uses:
publication days weighted by month, the lag from being formed to being published, document
numbers and the slots of title templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.demo.common import (
    DIVISION,
    DemoContext,
    doc_prefix,
    sub_workdays,
    unit_code,
    weighted,
    workdays_between,
)
from pipelines.demo.scenario import ORGANISER, Scenario
from pipelines.demo.vocab import ISSUES, OTHER_PROJECTS, SERVICES, STUDY, TOPICS, VILLAGES
from pipelines.reference.units import UnitRegistry

MONTH_WEIGHTS = {1: 0.6, 2: 0.5, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 0.9, 10: 0.8, 11: 1,
                 12: 1.1}


@dataclass
class Item:
    """One piece of government information and where it was published."""

    unit: str
    category: str
    title: str
    formed: date
    published: date
    doc_no: str | None = None
    normative: bool = False
    channels: list[str] = field(default_factory=lambda: ["政府网站"])
    gazette_on: date | None = None
    tag: str = ""
    index_no: str = ""
    links: dict[str, str] = field(default_factory=dict)


def full_name(unit: str) -> str:
    """The unit's name as it heads a document (中宁县财政局, 宁安镇人民政府)."""
    if unit == ORGANISER:
        return "中宁县人民政府办公室"
    return "中宁县" + unit[1:] if unit.startswith("县") else unit + "人民政府"


def index_prefix(registry: UnitRegistry, unit: str) -> str:
    """The publishing unit's part of a 索引号: division code and three-digit unit number."""
    return f"{DIVISION}{unit_code(registry, unit):03d}"


class ItemDrawer:
    """Draws items; shared helpers for dates, lags and title slots."""

    def __init__(self, ctx: DemoContext, scenario: Scenario):
        self.ctx, self.rng, self.sc = ctx, ctx.rng, scenario
        self.year = ctx.year
        self.items: list[Item] = []
        self.doc_numbers: dict[str, int] = {}
        self.year_days = workdays_between(date(self.year, 1, 2), date(self.year, 12, 28))

    def day_in(self, start: date, end: date) -> date:
        """A working day in ``start`` … ``end``."""
        return self.rng.choice(workdays_between(start, end))

    def pub_day(self) -> date:
        """A working day of the year, busier months more likely."""
        month = weighted(self.rng, MONTH_WEIGHTS)
        return self.rng.choice([d for d in self.year_days if d.month == month])

    def lag(self, late_rate: float = 0.012) -> int:
        """Working days from formed to published; ``late_rate`` of them past the 20-day limit."""
        if self.rng.random() < late_rate:
            return self.rng.randint(22, 45)
        return weighted(self.rng, {0: 20, 1: 22, 2: 15, 3: 10, 4: 7, 5: 6,
                                   self.rng.randint(6, 10): 12, self.rng.randint(11, 19): 6})

    def doc_no(self, unit: str, county_level: bool = False) -> str:
        """The next 发文字号 of the unit (or of the county government)."""
        prefix = "宁政发" if county_level else doc_prefix(self.ctx.registry, unit)
        self.doc_numbers[prefix] = self.doc_numbers.get(prefix, 0) + self.rng.randint(1, 3)
        return f"{prefix}〔{self.year}〕{self.doc_numbers[prefix]}号"

    def slots(self, unit: str, published: date) -> dict:
        """Values for the ``{slots}`` of a title template."""
        rng = self.rng
        return {
            "unit": full_name(unit), "topic": rng.choice(TOPICS), "study": rng.choice(STUDY),
            "svc": rng.choice(SERVICES), "issue": rng.choice(ISSUES),
            "village": rng.choice([v for v in VILLAGES if v.startswith(unit)] or VILLAGES),
            "project": rng.choice(OTHER_PROJECTS),
            "m": published.month, "q": (published.month - 1) // 3 + 1, "n": rng.randint(1, 60),
            "town": rng.choice(self.sc.townships), "y": self.year, "py": self.year - 1,
        }

    def add(self, unit, category, title, formed, published, **kw) -> Item:
        """Record one item and return it."""
        item = Item(unit=unit, category=category, title=title, formed=formed,
                    published=published, **kw)
        self.items.append(item)
        return item

    def generic(self, category: str, count: int, groups: list[tuple[float, object, list[str]]],
                doc_rate: float = 0.0, normative_rate: float = 0.0) -> None:
        """Draw ``count`` items (times the year's volume); each group is (share, publishing
        units, title templates with slots such as ``{y}``, the year).

        Units are a name, a list (equal weights) or a dict of weights, so that county-level
        titles go to the county office and a land sale to the land bureau.
        """
        shares = {n: share for n, (share, _, _) in enumerate(groups)}
        for _ in range(round(count * self.ctx.story.volume)):
            _, units, titles = groups[weighted(self.rng, shares)]
            if isinstance(units, str):
                unit = units
            elif isinstance(units, dict):
                unit = weighted(self.rng, units)
            else:
                unit = self.rng.choice(units)
            published = self.pub_day()
            formed = sub_workdays(published, self.lag())
            title = self.rng.choice(titles).format(**self.slots(unit, published))
            normative = self.rng.random() < normative_rate
            doc = self.doc_no(unit, title.startswith("中宁县人民政府关于")) if (
                normative or self.rng.random() < doc_rate) else None
            self.add(unit, category, title, formed, published, doc_no=doc, normative=normative)
