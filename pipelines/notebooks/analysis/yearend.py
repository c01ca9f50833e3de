"""Queries of the year-end notebook: the annual tables (``annual_report``) against last year,
and the leaders' pack of the same year (its headline figures and charts).

The annual tables are the whole division's (``unit`` NULL). A change from last year is shown
only where last year has the same cell: same template, table, row and column (the 2019 and
2021 templates do not continue the 2008 one). The headline figures and the charts are the
pack's own (``pipelines.pack.assets``), so the notebook and the leaders read the same numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import duckdb
import pandas as pd
from IPython.display import display

from pipelines.db import table_exists
from pipelines.notebooks.analysis import built, data_dir_of, one_row, query
from pipelines.notebooks.analysis.display import heading, notice, show
from pipelines.pack.load import load_pack
from pipelines.settings import Settings
from pipelines.vocabulary import format_number

TABLE = "annual_report"


@dataclass
class AnnualTable:
    """One statistics table of the annual report, ready to show."""

    code: str
    title: str
    frame: pd.DataFrame
    column_labels: dict[str, str]
    change: pd.DataFrame | None = None


def status(con: duckdb.DuckDBPyConnection, division: str, year: int) -> str | None:
    """None when the year's annual tables are in the marts, else why not (in Chinese)."""
    if not table_exists(con, TABLE):
        return (f"年度报告统计表尚未生成：数据集市中还没有 {TABLE} 表（由年报统计表的构建步骤生成）。"
                "\n请在该步骤上线后重新构建数据集市，再运行本笔记本；下方的图表不依赖该表，照常显示。")
    (n,) = one_row(con, "yearend/whole_cells", division, year)
    if not n:
        return (f"{TABLE} 表中没有 {division} {year} 年全区划（unit 为空）的统计数据："
                "请检查该年度的年报模板和原始台账后重新构建。")
    return None


def cells(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """The year's cells for the whole division, in the template's order, each with last year's
    value of the same cell (``previous``) and the difference (``change``)."""
    return query(con, "yearend/cells", division, year)


def tables(con: duckdb.DuckDBPyConnection, division: str, year: int) -> list[AnnualTable]:
    """The year's annual tables, each as shown to a reader (empty if there are none).

    A one-column table shows 本年 / 上年 / 增减 side by side; a wider table shows its columns,
    and below it a second grid of the changes when last year has the same table.
    """
    if status(con, division, year):
        return []
    df = cells(con, division, year)
    result = []
    for (_, code), part in df.groupby(["template", "table_code"], sort=False):
        title = part["table_title"].dropna().iloc[0] if part["table_title"].notna().any() else code
        has_previous = part["previous"].notna().any()
        columns = list(dict.fromkeys(part["col_code"]))
        if len(columns) == 1:
            frame = part[["label", "measure_unit", "value", "previous", "change"]]
            if not has_previous:
                frame = frame.drop(columns=["previous", "change"])
            result.append(AnnualTable(code, title, frame.reset_index(drop=True), {}))
            continue
        labels = dict(zip(part["col_code"], part["col_label"], strict=False))
        rows = part.drop_duplicates("row_code")[["row_code", "label"]]

        def wide(values: str, rows=rows, part=part, columns=columns) -> pd.DataFrame:
            grid = part.pivot(index="row_code", columns="col_code", values=values)
            return rows.merge(grid[columns], left_on="row_code", right_index=True)[["label", *columns]]

        change = wide("change").reset_index(drop=True) if has_previous else None
        result.append(AnnualTable(code, title, wide("value").reset_index(drop=True), labels, change))
    return result


def show_tables(con: duckdb.DuckDBPyConnection, division: str, year: int) -> None:
    """Display every annual table with its title (and its change from last year), or why there
    are none."""
    message = status(con, division, year)
    if message:
        display(notice(message))
        return
    for table in tables(con, division, year):
        display(heading(table.title, level=3))
        display(show(table.frame, labels=table.column_labels))
        if table.change is not None:
            display(heading("较上年增减", level=4))
            display(show(table.change, labels=table.column_labels))


def changes(con: duckdb.DuckDBPyConnection, division: str, year: int, top: int = 15) -> pd.DataFrame:
    """The cells that changed most from last year (same template and cell), largest first."""
    if status(con, division, year):
        return pd.DataFrame(columns=["label", "previous", "value", "change"])
    df = cells(con, division, year).dropna(subset=["change"])
    df = df[df["change"] != 0]
    single = df.groupby("table_code")["col_code"].transform("nunique") == 1
    df = df.assign(label=df["label"].where(single, df["label"] + "（" + df["col_label"] + "）"))
    df = df.reindex(df["change"].abs().sort_values(ascending=False).index).head(top)
    return df[["label", "previous", "value", "change"]].reset_index(drop=True)


def leaders_pack(con: duckdb.DuckDBPyConnection, division: str, year: int,
                 data_dir: str | os.PathLike | None = None):
    """The leaders' pack of the year as the build writes it (``pipelines.pack.model.PackData``),
    "data as of" the build's as-of date (``build_info``), whatever the environment says."""
    info = built(con, division)
    return load_pack(con, Settings(data_dir=data_dir_of(data_dir), as_of=info.as_of), division, year)


def headline_figures(pack) -> pd.DataFrame:
    """The pack's headline figures with last year's, the change and 同比 where last year has
    a figure measuring the same (rows: label, value, previous, change, yoy, source)."""
    rows = [{"label": f.label, "value": f.text, "previous": None if f.previous is None else
             f"{format_number(f.previous, f.unit)}{f.unit}", "change": f.change, "yoy": f.yoy,
             "source": f.source}
            for f in pack.figures.values()]
    df = pd.DataFrame(rows, columns=["label", "value", "previous", "change", "yoy", "source"])
    if df["previous"].isna().all():
        df = df.drop(columns=["previous", "change", "yoy"])
    return df


def show_changes(pack) -> None:
    """What changed since the last publication with other figures (the pack's 「与上次发布相比」)."""
    changes = pack.changes
    if changes is None:
        display(notice("数据集市中没有已发布数字的历史。"))
        return
    display(notice(changes.summary))
    if changes.cells:
        display(show(pd.DataFrame(changes.cells)[["table", "row", "label", "old", "new", "change"]],
                     labels={"table": "统计表", "row": "行号", "old": "上次发布", "new": "本次"}))
    if changes.metrics:
        display(show(pd.DataFrame(changes.metrics)[["task", "description", "old", "new"]],
                     labels={"task": "任务", "old": "上次发布", "new": "本次"}))


def show_notes(pack) -> None:
    """The pack's notes (a missing table, a table withheld for breaking an identity), if any."""
    for note in pack.notes:
        display(notice(note))


def show_charts(pack) -> None:
    """Every chart of the leaders' pack, in the pack's order."""
    for chart in pack.charts:
        display(chart.figure)
