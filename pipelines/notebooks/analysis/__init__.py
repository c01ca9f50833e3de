"""Analysis code behind the analyst notebooks (``notebooks/*.ipynb``).

The notebooks hold parameters, calls and prose only; every query and figure lives here, one
module per notebook (``progress``, ``disclosures``, ``requests``, ``yearend``), its queries
in ``sql/<module>/*.sql``, with the notebook-specific figures in ``figures`` and the display
helpers in ``display``. Charts the leaders' pack also draws come from ``pipelines.pack.charts``
so both show the same picture. Every fact comes from the marts, none from reference files.

Notebooks read the published marts through :func:`open_marts`, always read-only: a build
writes a staging copy and swaps it in atomically (``pipelines.resources``), so a notebook
left open never blocks a build and never sees a half-written database. The date "open" and
"overdue" were judged at is the build's (``build_info``, :func:`as_of_notice`), never the
environment's: a notebook run later shows the figures as they were built.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
from IPython.display import Markdown

from pipelines.db import SqlFolder
from pipelines.marts.published import BuildInfo, build_info
from pipelines.notebooks import render
from pipelines.settings import DB_FILENAME, PROJECT_ROOT

# Every query of the notebooks: ``sql/<notebook module>/<query>.sql``.
SQL = SqlFolder(__file__)


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


def query(con: duckdb.DuckDBPyConnection, name: str, division: str, year: int,
          params: dict | None = None, **identifiers: object) -> pd.DataFrame:
    """The query ``sql/<name>.sql`` with ``$division``, ``$year`` and ``params`` bound (and
    ``${identifier}`` placeholders filled in by the code's own column lists)."""
    return SQL.frame(con, name, {"division": division, "year": year, **(params or {})}, **identifiers)


def one_row(con: duckdb.DuckDBPyConnection, name: str, division: str, year: int) -> tuple:
    """The single row of the query ``sql/<name>.sql`` as Python values (key figures)."""
    return SQL.run(con, name, {"division": division, "year": year}).fetchone()


def periods(con: duckdb.DuckDBPyConnection, plans_only: bool = False) -> list[tuple[str, int]]:
    """(division, year) pairs the marts report on (the ``report_years`` mart: each plan's
    year and each annual report's, as the leaders' pack covers); ``plans_only`` keeps the
    plans' years."""
    rows = SQL.frame(con, "periods")
    if plans_only:
        rows = rows[rows["has_plan"]]
    return [(str(d), int(y)) for d, y in zip(rows["division"], rows["year"], strict=True)]


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


def division_name(con: duckdb.DuckDBPyConnection, division: str) -> str:
    """The division's name (``ref_divisions``; the code if the marts do not know it)."""
    row = SQL.run(con, "division_name", {"division": division}).fetchone()
    return str(row[0]) if row else division


def built(con: duckdb.DuckDBPyConnection, division: str) -> BuildInfo:
    """The build the division's published marts come from: its as-of date, time and id."""
    return build_info(con, division)


def as_of_notice(con: duckdb.DuckDBPyConnection, division: str) -> Markdown:
    """``数据截至 2020年1月10日（2020-01-12 09:30 构建）``: the date states were judged at."""
    info = built(con, division)
    when = f"，{info.built_at:%Y-%m-%d %H:%M} 构建" if info.built_at else ""
    return Markdown(f"数据截至 {info.as_of_text}（到期、逾期等状态按此日期判定{when}，"
                    f"构建号 {(info.build_id or '—')[:8]}）")


def setup() -> None:
    """Prepare a notebook's kernel: Plotly figures render in JupyterLab and in offline HTML."""
    render.use_offline_renderer()
