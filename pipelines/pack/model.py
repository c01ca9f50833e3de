"""The shapes the leaders' pack is made of, shared by every writer (xlsx, docx, html, png).

A writer imports these types and nothing else of the pack; ``layout`` and ``figures`` fill
them, ``load`` reads them from the published marts. Keeping them here is what lets the
writers and the assembler import each other's results without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from pipelines.annual.template_model import ReportTemplate
from pipelines.pack.changes import PackChanges
from pipelines.vocabulary import format_number


@dataclass
class StatColumn:
    """A column of figures and its header path (outermost group first)."""

    code: str
    path: tuple[str, ...]


@dataclass
class StatRow:
    """A row of a statistics table; a heading row has no figures; ``parent`` is the row it
    is printed under (the template's parent chain)."""

    code: str
    label: str
    unit: str | None
    values: dict[str, float | None]
    heading: bool
    depth: int
    parent: str | None = None


@dataclass
class StatTable:
    """One table of a template (``table_code``), ready to lay out."""

    code: str
    title: str
    stub_title: str
    columns: list[StatColumn]
    rows: list[StatRow]
    show_codes: bool
    show_units: bool
    broken: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """True when the table breaks an identity and must not be exported."""
        return bool(self.broken)

    @property
    def header_depth(self) -> int:
        """Number of header rows the column paths need."""
        return max((len(c.path) for c in self.columns), default=1)

    def header_cells(self) -> list[tuple[int, int, int, int, str]]:
        """Merged header cells over the figure columns: (row, column, rowspan, colspan, text),
        0-based, a path shorter than the deepest spanning down to the last header row."""
        depth, cols = self.header_depth, self.columns
        cells = []
        for level in range(depth):
            j = 0
            while j < len(cols):
                path = cols[j].path
                if len(path) <= level:
                    j += 1
                    continue
                k = j
                while (k + 1 < len(cols) and len(cols[k + 1].path) > level
                       and cols[k + 1].path[: level + 1] == path[: level + 1]
                       and (len(path) == level + 1) == (len(cols[k + 1].path) == level + 1)):
                    k += 1
                rowspan = depth - level if len(path) == level + 1 else 1
                cells.append((level, j, rowspan, k - j + 1, path[level]))
                j = k + 1
        return cells

    def value(self, row_code: str, col_code: str = "value") -> float | None:
        """A cell's figure, or None."""
        row = next((r for r in self.rows if r.code == row_code), None)
        return None if row is None else row.values.get(col_code)

    def refusal_text(self) -> str:
        """The note printed in place of a withheld table."""
        return ("本表未导出：数据不满足模板规定的算术关系（" + "；".join(self.broken[:6])
                + ("等" if len(self.broken) > 6 else "") + "），请核对 annual_report 后重新生成。")


@dataclass
class StatSheet:
    """The tables of one part of the template (one Excel sheet); ``division_in_title``: the
    workbook prints the division's name before the title."""

    key: str
    name: str
    title: str
    tables: list[StatTable]
    division_in_title: bool = False


@dataclass
class KeyFigure:
    """A headline number of the year, with last year's where the data has it."""

    key: str
    label: str
    unit: str
    value: float | None
    source: str
    previous: float | None = None
    # What the figure measures: last year's is compared only when it measures the same.
    compare_as: str | None = None

    @property
    def comparable_as(self) -> str:
        """The key two years' figures must share to be compared (``compare_as``, else the label)."""
        return self.compare_as or self.label

    @property
    def previous_text(self) -> str | None:
        """Last year's figure with its unit (``上年2001条``); None without it."""
        if self.previous is None:
            return None
        return f"上年{format_number(self.previous, self.unit)}{self.unit}"

    @property
    def yoy(self) -> str | None:
        """The change from last year as 同比 words (``同比增加143条（增长7.2%）``, ``同比持平``)."""
        change = self.change
        if change is None:
            return None
        return "同比持平" if change == "与上年持平" else change.replace("比上年", "同比", 1)

    @property
    def text(self) -> str:
        """The figure and its unit, e.g. ``2143条``."""
        return f"{format_number(self.value, self.unit)}{self.unit}"

    @property
    def change(self) -> str | None:
        """``比上年增加143条（增长7.2%）``, ``与上年持平``…; None without last year's figure."""
        if self.previous is None or self.value is None:
            return None
        diff = self.value - self.previous
        if abs(diff) < 1e-9:
            return "与上年持平"
        word, trend = ("增加", "增长") if diff > 0 else ("减少", "下降")
        amount = f"{format_number(abs(diff), self.unit)}{self.unit}"
        if self.previous == 0:
            return f"比上年{word}{amount}（上年为0）"
        return f"比上年{word}{amount}（{trend}{abs(diff) / self.previous * 100:.1f}%）"




@dataclass
class Chart:
    """A chart of the pack: its PNG file name, the figure, the page section it sits in, and
    whether it takes the page's whole width (long row labels)."""

    name: str
    figure: go.Figure
    section: str
    wide: bool = False

    @property
    def title(self) -> str:
        """The chart's Chinese title."""
        return str(self.figure.layout.title.text or self.name)


@dataclass
class PackData:
    """The numbers, tables and charts of one division and year."""

    division: str
    division_name: str
    whole: str  # 全县 / 全区: how prose names the whole division
    year: int
    as_of: date
    # The template the build used (``templates_from_marts``), not the reference files of today.
    template: ReportTemplate
    template_name: str
    sheets: list[StatSheet]
    figures: dict[str, KeyFigure]
    previous_year: int | None
    history: pd.DataFrame
    disclosures: pd.DataFrame
    channels: pd.DataFrame
    requests: pd.DataFrame
    appeals: pd.DataFrame
    task_status: pd.DataFrame
    task_figures: dict[str, int]
    plan_title: str | None
    plan_metrics: pd.DataFrame
    returns: pd.DataFrame
    section_labels: dict[str, str]
    changes: PackChanges | None = None
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def sheet(self, key: str) -> StatSheet | None:
        """The sheet with this key (the template's ``sheets``), if the mart has its tables."""
        return next((s for s in self.sheets if s.key == key), None)

    def table(self, code: str) -> StatTable | None:
        """A table by its code, refused ones included."""
        return next((t for s in self.sheets for t in s.tables if t.code == code), None)

    @property
    def refused_tables(self) -> list[StatTable]:
        """Tables withheld because they break an identity."""
        return [t for s in self.sheets for t in s.tables if t.refused]



@dataclass
class PackResult:
    """What one division-year's pack ended up with (``unchanged``: made before from the same
    figures and code, and left as it was)."""

    division: str
    year: int
    folder: Path
    pngs: int
    refused: list[str]
    notes: list[str]
    unchanged: bool = False


