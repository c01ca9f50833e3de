"""Small DuckDB helpers shared by every asset: typed frame writes and SQL model files."""

from __future__ import annotations

from pathlib import Path
from string import Template

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "marts" / "sql"


def quote(name: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def write_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
                columns: list[tuple[str, str]]) -> int:
    """Replace ``table`` with ``frame``, casting each column to its declared type.

    Declaring the types keeps an empty source (no files yet) from producing a table with
    the wrong columns, and keeps a column of Python dates a DATE.
    """
    ddl = ", ".join(f"{quote(n)} {t}" for n, t in columns)
    con.execute(f"CREATE OR REPLACE TABLE {table} ({ddl})")
    if len(frame):
        view = "_gongkai_frame"
        con.register(view, frame[[n for n, _ in columns]])
        try:
            casts = ", ".join(f"CAST({quote(n)} AS {t})" for n, t in columns)
            con.execute(f"INSERT INTO {table} SELECT {casts} FROM {view}")
        finally:
            con.unregister(view)
    return len(frame)


def render_sql(name: str, **params: object) -> str:
    """The SQL model ``marts/sql/<name>.sql`` with ``${param}`` placeholders filled in."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return Template(text).substitute({k: str(v) for k, v in params.items()})


def run_sql(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> None:
    """Execute one SQL model file (it may hold several statements)."""
    con.execute(render_sql(name, **params))


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Row count of a table."""
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
