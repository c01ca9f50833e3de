"""Analysis code behind the analyst notebooks (``notebooks/*.ipynb``).

The notebooks hold parameters, calls and prose only; every query and figure lives here, one
module per notebook (``progress``, ``disclosures``, ``requests``, ``yearend``), with the
notebook-specific figures in ``figures`` and the display helpers in ``display``. Charts the
leaders' pack also draws come from ``pipelines.pack.charts`` so both show the same picture.

Notebooks read the published marts through :func:`open_marts`, always read-only: a build
writes a staging copy and swaps it in atomically (``pipelines.resources``), so a notebook
left open never blocks a build and never sees a half-written database.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from pipelines.notebooks import render
from pipelines.reference.store import ReferenceStore
from pipelines.settings import DB_FILENAME, PROJECT_ROOT



def data_dir_of(data_dir: str | os.PathLike | None = None) -> Path:
    """The data directory: ``data_dir``, else ``GONGKAI_DATA_DIR``, else the project's ``data/``.

    The last fallback is the project's folder rather than ``./data`` of the working directory,
    because a notebook's kernel runs in ``notebooks/``.
    """
    if data_dir:
        return Path(data_dir).expanduser().resolve()
    if os.environ.get("GONGKAI_DATA_DIR"):
        return Path(os.environ["GONGKAI_DATA_DIR"]).expanduser().resolve()
    return PROJECT_ROOT / "data"


def open_marts(data_dir: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published marts of a data directory (see data_dir_of)."""
    path = data_dir_of(data_dir) / "marts" / DB_FILENAME
    if not path.exists():
        raise FileNotFoundError(
            f"找不到数据集市 {path}：请先构建（make demo，或 GONGKAI_DATA_DIR=… python -m pipelines build），"
            "或把参数 data_dir 设为已构建的数据目录。"
        )
    return duckdb.connect(str(path), read_only=True)


def division_year_frame(con: duckdb.DuckDBPyConnection, sql: str, division: str, year: int):
    """Run a query with ``$division`` and ``$year`` parameters; the result as a DataFrame."""
    return con.execute(sql, {"division": division, "year": year}).df()


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the marts have ``table`` (in the main schema)."""
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [table]
    ).fetchone()[0])


def periods(con: duckdb.DuckDBPyConnection, plans_only: bool = False) -> list[tuple[str, int]]:
    """(division, year) pairs the marts report on: each plan's year, and each annual report's
    (the leaders' pack covers the same years); ``plans_only`` keeps the plans' years.

    Years come from the plans and annual reports, not from event dates: an item published on
    3 January does not open a report of its own.
    """
    sources = ["SELECT division, year FROM plan_tasks"]
    if has_table(con, "annual_report") and not plans_only:
        sources.append("SELECT division, year FROM annual_report")
    rows = con.execute(
        f"SELECT DISTINCT division, CAST(year AS INTEGER) FROM ({' UNION ALL '.join(sources)}) "
        "WHERE division IS NOT NULL AND year IS NOT NULL ORDER BY 1, 2"
    ).fetchall()
    return [(d, int(y)) for d, y in rows]


def pick_period(con: duckdb.DuckDBPyConnection, division: str | None = None,
                year: int | str | None = None) -> tuple[str, int]:
    """The (division, year) a notebook reports on; None picks the first division, latest year."""
    known = periods(con)
    if not known:
        raise LookupError("数据集市中没有任何方案年度（plan_tasks 为空）："
                          "请确认原始文件和参考数据后重新构建。")
    if division is None:
        division = known[0][0]
    division = str(division)
    years = [y for d, y in known if d == division]
    if year is None and years:
        year = years[-1]
    if year is None or int(year) not in years:
        listed = "、".join(f"{d} {y}年" for d, y in known)
        raise LookupError(f"数据集市中没有 {division} {year or ''}年 的数据；现有：{listed}")
    return division, int(year)


def division_name(division: str, data_dir: str | os.PathLike | None = None) -> str:
    """The division's name from its reference ``division.json`` (the code if there is none)."""
    folder = ReferenceStore(data_dir_of(data_dir) / "reference").division_dir(division)
    if folder is None:
        return division
    return json.loads((folder / "division.json").read_text(encoding="utf-8")).get("name") or division


def setup() -> None:
    """Prepare a notebook's kernel: Plotly figures render in JupyterLab and in offline HTML."""
    render.use_offline_renderer()
