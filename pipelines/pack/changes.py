"""The pack's 「与上次发布相比」: which published figures of the year changed, and from what.

"上次发布" is the last publication whose figures differ from the ones the pack shows (a build
that published the same figures again changes nothing a leader saw), read from the history of
published figures (``pipelines.annual.since``). The whole division's cells are listed; the
units' tables are counted (``explain --unit`` lists them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from pipelines.annual.since import Publication, changed_cells, changed_metrics, last_different, publications
from pipelines.vocabulary import METRIC_RESULTS, format_number

SHOWN_CELLS = 40


@dataclass
class PackChanges:
    """What changed in a year's figures since the last publication that showed others."""

    first: Publication | None
    current: Publication | None
    baseline: Publication | None
    cells: list[dict] = field(default_factory=list)
    whole_cells: int = 0
    unit_cells: int = 0
    metrics: list[dict] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One sentence saying what the list below it holds."""
        if self.current is None or self.first is None:
            return "数据集市中还没有本年度数字的发布记录。"
        if self.baseline is None:
            # Said the same way whether or not a build republished the same figures since: the
            # pack is made again only when the figures change.
            return (f"本年度的统计表数字和方案指标自首次发布以来没有变化（首次发布：{self.first.brief()}），"
                    "暂无可比较的上次发布。")
        parts = [f"统计表全区划单元格 {self.whole_cells} 个"]
        if self.unit_cells:
            parts.append(f"各单位统计表单元格 {self.unit_cells} 个")
        parts.append(f"方案量化指标 {len(self.metrics)} 项")
        return f"与上次发布（{self.baseline.brief()}）相比，{'、'.join(parts)}有变化："


def _value(value, missing: bool, unit: str | None) -> str:
    if missing:
        return "（无）"
    return "—" if value is None or pd.isna(value) else f"{format_number(value, unit)}{unit or ''}"


def _cell_rows(frame: pd.DataFrame) -> list[dict]:
    rows = []
    for r in frame.itertuples(index=False):
        column = "" if r.col_code == "value" else "（" + "·".join(
            str(p) for p in (r.col_group, r.col_label) if isinstance(p, str)) + "）"
        change = ""
        if not (r.added or r.removed) and r.old_value is not None and r.new_value is not None \
                and not pd.isna(r.old_value) and not pd.isna(r.new_value):
            diff = r.new_value - r.old_value
            change = ("+" if diff > 0 else "−") + format_number(abs(diff), r.measure_unit)
        rows.append({"table": str(r.table_title or r.table_code), "row": str(r.row_code),
                     "label": f"{r.label}{column}",
                     "old": _value(r.old_value, bool(r.added), r.measure_unit),
                     "new": _value(r.new_value, bool(r.removed), r.measure_unit), "change": change})
    return rows


def _verdict(passed) -> str:
    return METRIC_RESULTS[None if passed is None or pd.isna(passed) else bool(passed)]


def _metric_rows(frame: pd.DataFrame) -> list[dict]:
    return [{"task": "全方案" if r.task_code is None or pd.isna(r.task_code) else str(r.task_code),
             "description": str(r.description),
             "old": "（无）" if r.added else f"{r.old_actual or '—'}（{_verdict(r.old_passed)}）",
             "new": "（无）" if r.removed else f"{r.new_actual or '—'}（{_verdict(r.new_passed)}）"}
            for r in frame.itertuples(index=False)]


def load_changes(con: duckdb.DuckDBPyConnection, division: str, year: int) -> PackChanges:
    """The year's changes since the last publication with other figures (none: first
    publication, or unchanged since the first)."""
    pubs = publications(con, division, year)
    if not pubs:
        return PackChanges(None, None, None)
    current, baseline = pubs[-1], last_different(pubs)
    result = PackChanges(pubs[0], current, baseline)
    if baseline is None:
        return result
    cells = changed_cells(con, division, year, baseline.annual_build_id, current.annual_build_id)
    whole = cells[cells["unit"].isna()]
    result.cells = _cell_rows(whole.head(SHOWN_CELLS))
    result.whole_cells = len(whole)
    result.unit_cells = int(cells["unit"].notna().sum())
    result.metrics = _metric_rows(changed_metrics(con, division, year, baseline.plan_build_id,
                                                  current.plan_build_id))
    return result
