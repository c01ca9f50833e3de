"""Small DuckDB helpers shared by every domain: typed frame writes, SQL model files, lookups.

Each domain keeps its SQL next to its assets (``<domain>/sql/*.sql``) and reaches it through
one :class:`SqlFolder`. Values always travel as bound parameters (``$name``); the only text
ever substituted into a model is an identifier or a column list chosen by the code
(``${source}``), never data.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

import duckdb
import pandas as pd


def quote(name: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def string_literal(text: str) -> str:
    """A SQL string literal, for the few statements that take no parameters (ATTACH)."""
    return "'" + text.replace("'", "''") + "'"


def write_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
                columns: list[tuple[str, str]]) -> int:
    """Replace ``table`` with ``frame``, casting each column to its declared type.

    Declaring the types keeps an empty source (no files yet) from producing a table with
    the wrong columns, and keeps a column of Python dates a DATE.
    """
    ddl = ", ".join(f"{quote(n)} {t}" for n, t in columns)
    con.execute(f"CREATE OR REPLACE TABLE {table} ({ddl})")
    return insert_frame(con, table, frame, columns)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
                 columns: list[tuple[str, str]]) -> int:
    """Append ``frame``'s columns to ``table``, each cast to its declared type."""
    if len(frame):
        view = "_gongkai_frame"
        con.register(view, frame[[n for n, _ in columns]])
        try:
            casts = ", ".join(f"CAST({quote(n)} AS {t})" for n, t in columns)
            con.execute(f"INSERT INTO {table} SELECT {casts} FROM {view}").fetchall()
        finally:
            con.unregister(view)
    return len(frame)


class _Identifiers(Template):
    """``${name}`` is text the code fills in; a bare ``$name`` is a bound parameter, left for
    DuckDB (``string.Template`` would take it for a placeholder too)."""

    pattern = r"""
        \$(?:
            (?P<escaped>(?!))                       |
            (?P<named>(?!))                         |
            {(?P<braced>[_a-z][_a-z0-9]*)}          |
            (?P<invalid>(?!))
        )
    """


class SqlFolder:
    """The ``sql/`` folder beside a domain's modules: ``SqlFolder(__file__)``."""

    def __init__(self, module_file: str | Path, folder: str = "sql") -> None:
        self.path = Path(module_file).resolve().parent / folder

    def file(self, name: str) -> Path:
        """Path of ``<name>.sql`` (``name`` may contain a subfolder, e.g. ``metrics/x``)."""
        return self.path / f"{name}.sql"

    def exists(self, name: str) -> bool:
        """Whether the model file exists."""
        return self.file(name).exists()

    def names(self, subfolder: str = "") -> list[str]:
        """Model names in the folder (or a subfolder), sorted."""
        folder = self.path / subfolder if subfolder else self.path
        prefix = f"{subfolder}/" if subfolder else ""
        return sorted(prefix + p.stem for p in folder.glob("*.sql"))

    def render(self, name: str, **identifiers: object) -> str:
        """The model's text with ``${identifier}`` placeholders filled in (a bare ``$name`` is a
        bound parameter and stays as it is)."""
        text = self.file(name).read_text(encoding="utf-8")
        return _Identifiers(text).substitute({k: str(v) for k, v in identifiers.items()})

    def run(self, con: duckdb.DuckDBPyConnection, name: str, params: dict | list | None = None,
            **identifiers: object) -> duckdb.DuckDBPyConnection:
        """Execute the model (it may hold several statements) with bound ``params``."""
        sql = self.render(name, **identifiers)
        return con.execute(sql, params) if params is not None else con.execute(sql)

    def frame(self, con: duckdb.DuckDBPyConnection, name: str, params: dict | list | None = None,
              **identifiers: object) -> pd.DataFrame:
        """The model's result as a DataFrame."""
        return self.run(con, name, params, **identifiers).df()


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Row count of a table."""
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def table_exists(con: duckdb.DuckDBPyConnection, table: str, schema: str = "main") -> bool:
    """Whether ``schema.table`` exists (as a table or a view) in the connection's database."""
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = $s AND table_name = $t "
        "AND database_name = current_database()", {"s": schema, "t": table}).fetchone()[0]
        or con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE schema_name = $s AND view_name = $t "
        "AND database_name = current_database()", {"s": schema, "t": table}).fetchone()[0])


def table_columns(con: duckdb.DuckDBPyConnection, table: str, schema: str = "main") -> list[str]:
    """Column names of ``schema.table``, in order (empty if there is no such table)."""
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = $s AND table_name = $t "
        "AND database_name = current_database() ORDER BY column_index",
        {"s": schema, "t": table}).fetchall()]
