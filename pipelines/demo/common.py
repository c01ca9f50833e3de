"""What every demo source shares: the as-of date, working days, date spellings and tables.

A source module builds ``Table`` objects (rows as dicts keyed by the canonical header, plus
the defects it planted) and hands them to ``DemoContext.write``, which lays them out, writes
the file and records every planted defect at the exact cell a person would open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pipelines.demo.story import STORIES, YearStory
from pipelines.plan.catalogue import Plan
from pipelines.reference.calendar import package_is_workday
from pipelines.reference.units import UnitRegistry

DIVISION = "640521"
FIRST_YEAR = min(STORIES)
# The demo's build date: just after its last year closes (2018 and 2019, judged on 2020-01-10).
DEMO_AS_OF = date(2020, 1, 10)
SITE = "http://www.znzf.gov.cn"
# openpyxl and zip entries otherwise stamp the wall clock into every workbook.
FIXED_TIMESTAMP = datetime(2019, 1, 10, 9, 0, 0)
_EXCEL_EPOCH = date(1899, 12, 30)

# Short web-folder names and document-number prefixes (发文字号) of the county's units;
# a unit the table does not know still gets a usable pair from its position.
UNIT_CODES: dict[str, tuple[str, str]] = {
    "县政府办公室": ("zfb", "宁政办发"), "县委宣传部": ("xcb", "宁党宣发"),
    "县机构编制委员会办公室": ("bb", "宁编发"), "县政府法制办公室": ("fzb", "宁法制发"),
    "县网络安全和信息化办公室": ("wxb", "宁网信发"), "县档案局": ("daj", "宁档发"),
    "县政务服务中心": ("zwfw", "宁政服发"), "县发展和改革局": ("fgj", "宁发改发"),
    "县商务和经济技术合作局": ("swj", "宁商发"), "县市场监督管理局": ("scjg", "宁市监发"),
    "县财政局": ("czj", "宁财发"), "县审计局": ("sjj", "宁审发"),
    "县工业和信息化局": ("gxj", "宁工信发"), "县教育体育局": ("jtj", "宁教体发"),
    "县国土资源局": ("gtj", "宁国土发"), "县环境保护局": ("hbj", "宁环发"),
    "县住房和城乡建设局": ("zjj", "宁建发"), "县交通运输局": ("jtysj", "宁交发"),
    "县水务局": ("slj", "宁水发"), "县农牧局": ("nmj", "宁农牧发"),
    "县文化旅游广电局": ("wgj", "宁文广发"), "县卫生和计划生育局": ("wjj", "宁卫计发"),
    "县林业局": ("lyj", "宁林发"), "县扶贫办": ("fpb", "宁扶贫发"),
    "县工业（物流）园区管委会": ("yq", "宁园管发"), "县民政局": ("mzj", "宁民发"),
    "县安全生产监督管理局": ("ajj", "宁安监发"), "县科学技术局": ("kjj", "宁科发"),
    "县公安局": ("gaj", "宁公发"), "县人力资源和社会保障局": ("rsj", "宁人社发"),
    "宁安镇": ("naz", "宁安政发"), "鸣沙镇": ("msz", "鸣政发"), "石空镇": ("skz", "石政发"),
    "新堡镇": ("xbz", "新政发"), "恩和镇": ("ehz", "恩政发"), "大战场镇": ("dzcz", "大政发"),
    "舟塔乡": ("ztx", "舟政发"), "白马乡": ("bmx", "白政发"), "余丁乡": ("ydx", "余政发"),
    "喊叫水乡": ("hjsx", "喊政发"), "徐套乡": ("xtx", "徐政发"),
}

DATE_STYLES = ("cn", "iso", "slash", "dot", "compact", "excel", "serial")
TEXT_DATE_STYLES = DATE_STYLES[:5]


# Working days under the State Council's notices (the spec's 2018 calendar), remembered per
# day: the generator asks about the same few hundred days ~290,000 times.
is_workday = package_is_workday


def add_workdays(day: date, n: int) -> date:
    """The Nth working day after ``day`` (``day`` itself does not count), as rules.md counts."""
    while n > 0:
        day += timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def sub_workdays(day: date, n: int) -> date:
    """The working day N working days before ``day``."""
    while n > 0:
        day -= timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def workday_on_or_before(day: date) -> date:
    """``day`` if it is a working day, else the last working day before it."""
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def workday_on_or_after(day: date) -> date:
    """``day`` if it is a working day, else the next working day."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def workdays_between(start: date, end: date) -> list[date]:
    """Working days in ``start`` … ``end``, both included."""
    days = []
    while start <= end:
        if is_workday(start):
            days.append(start)
        start += timedelta(days=1)
    return days


def month_end(year: int, month: int) -> date:
    """Last day of a month."""
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def fmt_date(day: date, style: str) -> object:
    """One date in one of the spellings units use; ``excel`` stays a date for a date cell."""
    if style == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "iso":
        return day.isoformat()
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "dot":
        return f"{day.year}.{day.month}.{day.day}"
    if style == "compact":
        return day.strftime("%Y%m%d")
    if style == "excel":
        return day
    if style == "serial":
        return (day - _EXCEL_EPOCH).days
    raise ValueError(f"unknown date style {style!r}")


def weighted(rng: random.Random, options: dict) -> object:
    """One key of ``options`` drawn with the values as weights (dict order is stable)."""
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


def rand_digits(rng: random.Random, n: int) -> str:
    """N random decimal digits."""
    return "".join(rng.choice("0123456789") for _ in range(n))


def unit_code(registry: UnitRegistry, unit: str) -> int:
    """Three-digit publishing-unit number used in 索引号 (registry order, 001 = first)."""
    return registry.names().index(unit) + 1


def aliases_of(registry: UnitRegistry, unit: str) -> tuple[str, ...]:
    """The other names the registry knows a unit by (a unit may write any of them)."""
    return registry.units[registry.names().index(unit)].aliases


def unit_abbr(registry: UnitRegistry, unit: str) -> str:
    """Web-folder name of a unit."""
    return UNIT_CODES.get(unit, (f"dw{unit_code(registry, unit):02d}", ""))[0]


def doc_prefix(registry: UnitRegistry, unit: str) -> str:
    """Document-number prefix (e.g. 宁财发) of a unit."""
    return UNIT_CODES.get(unit, ("", "宁政发"))[1] or "宁政发"


def page_link(registry: UnitRegistry, unit: str, day: date, rng: random.Random) -> str:
    """A county-website article address of the shape the CMS gives."""
    folder = "xzxxgk" if registry.kind_of(unit) == "乡镇" else "bmxxgk"
    return (
        f"{SITE}/zwgk/{folder}/{unit_abbr(registry, unit)}/{day:%Y%m}/"
        f"t{day:%Y%m%d}_{rng.randint(1000000, 1999999)}.html"
    )


@dataclass
class Table:
    """One sheet (or CSV) of a raw file: preamble rows, a header row and data rows."""

    columns: list[str]
    sheet: str = "Sheet1"
    preamble: list[list[object]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)
    # (data row index, canonical column, defect code)
    defects: list[tuple[int, str, str]] = field(default_factory=list)
    # defects outside the data rows: (row, column number, label, defect code, value)
    cell_defects: list[tuple[int, int, str, str, object]] = field(default_factory=list)
    date_format: str = "yyyy-mm-dd"

    @property
    def header_row(self) -> int:
        """1-based row number of the header row."""
        return len(self.preamble) + 1

    def add(self, values: dict[str, object], defects: dict[str, str] | None = None) -> int:
        """Append a data row, noting any planted bad cells; returns its index."""
        self.rows.append(values)
        index = len(self.rows) - 1
        for column, code in (defects or {}).items():
            self.defects.append((index, column, code))
        return index

    def grid(self) -> list[list[object]]:
        """All rows as a person sees them, from row 1."""
        header = [self.labels.get(c, c) for c in self.columns]
        body = [[row.get(c) for c in self.columns] for row in self.rows]
        return [*self.preamble, header, *body]


@dataclass
class DemoContext:
    """One year's shared state: randomness, reference data, the year's story, output folder and
    the manifest (shared by the years)."""

    data_dir: Path
    rng: random.Random
    registry: UnitRegistry
    plan: Plan
    manifest: dict
    pii: dict[str, list[str]] = field(default_factory=dict)
    story: YearStory = STORIES[FIRST_YEAR]

    @property
    def year(self) -> int:
        """The year this context writes."""
        return self.story.year

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw" / DIVISION

    def written(self, unit: str, day: date | None = None) -> str:
        """The unit's name as a file of ``day`` writes it: after the 2019 institutional reform
        (unit-changes.csv) a renamed unit writes its new name. Without a day, the name at the
        end of the context's year (a yearly figure is reported by the unit as named then)."""
        return self.registry.name_on(unit, day or date(self.year, 12, 31))

    def relative(self, path: Path) -> str:
        """Path relative to the data directory, as the manifest names files."""
        return path.relative_to(self.data_dir).as_posix()

    def totals(self, source: str) -> dict:
        """The manifest's running totals of one source."""
        return self.manifest["totals"].setdefault(
            source,
            {"files": 0, "data_rows": 0, "bad_rows": 0, "superseded_rows": 0,
             "rejected_file_rows": 0},
        )

    def note_pii(self, column: str, value: str) -> None:
        """Remember a planted personal value (for demo-pii.json, never for the manifest)."""
        values = self.pii.setdefault(column, [])
        if value and value not in values:
            values.append(value)
