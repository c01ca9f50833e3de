"""Compare two marts databases table by table (``python -m pipelines diff-marts A B``).

Used to prove that a change of code (a redesign) or of file format (the same returns saved
by LibreOffice as ``.xls``) leaves every published figure as it was: each table is compared
``ORDER BY ALL`` after dropping the columns the caller names (file names, build times).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.db import quote, string_literal


@dataclass
class TableDiff:
    """How one table differs between two databases."""

    table: str
    only_in: str | None = None
    columns_a: list[str] = field(default_factory=list)
    columns_b: list[str] = field(default_factory=list)
    rows_a: int = 0
    rows_b: int = 0
    missing_in_b: int = 0
    extra_in_b: int = 0
    examples: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.only_in:
            return f"{self.table}：只在 {self.only_in} 中存在"
        if self.columns_a != self.columns_b:
            gone = [c for c in self.columns_a if c not in self.columns_b]
            new = [c for c in self.columns_b if c not in self.columns_a]
            return f"{self.table}：列不同（A 独有 {gone}，B 独有 {new}）"
        lines = [f"{self.table}：A {self.rows_a} 行，B {self.rows_b} 行；"
                 f"A 有而 B 无 {self.missing_in_b} 行，B 有而 A 无 {self.extra_in_b} 行"]
        return "\n  ".join([*lines, *self.examples])


def _tables(con: duckdb.DuckDBPyConnection, alias: str, schemas: tuple[str, ...]) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT schema_name, table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
        "WHERE database_name = $db AND schema_name IN (SELECT unnest($schemas)) GROUP BY ALL",
        {"db": alias, "schemas": list(schemas)}).fetchall()
    return {f"{s}.{t}" if s != "main" else t: list(cols) for s, t, cols in rows}


def diff_databases(a: Path, b: Path, ignore_columns: tuple[str, ...] = (),
                   ignore_tables: tuple[str, ...] = (), schemas: tuple[str, ...] = ("main",),
                   examples: int = 3) -> list[TableDiff]:
    """Every table that differs between databases ``a`` and ``b`` (empty: identical)."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {string_literal(str(a))} AS db_a (READ_ONLY)")
        con.execute(f"ATTACH {string_literal(str(b))} AS db_b (READ_ONLY)")
        tables_a, tables_b = _tables(con, "db_a", schemas), _tables(con, "db_b", schemas)
        diffs: list[TableDiff] = []
        for table in sorted(set(tables_a) | set(tables_b)):
            if table in ignore_tables:
                continue
            if table not in tables_b or table not in tables_a:
                diffs.append(TableDiff(table, only_in="A" if table in tables_a else "B"))
                continue
            cols_a = [c for c in tables_a[table] if c not in ignore_columns]
            cols_b = [c for c in tables_b[table] if c not in ignore_columns]
            if sorted(cols_a) != sorted(cols_b):
                diffs.append(TableDiff(table, columns_a=cols_a, columns_b=cols_b))
                continue
            select = ", ".join(quote(c) for c in cols_a)
            name = ".".join(quote(p) for p in table.split("."))
            a_sql, b_sql = f"SELECT {select} FROM db_a.{name}", f"SELECT {select} FROM db_b.{name}"
            missing = con.execute(f"SELECT count(*) FROM ({a_sql} EXCEPT ALL {b_sql})").fetchone()[0]
            extra = con.execute(f"SELECT count(*) FROM ({b_sql} EXCEPT ALL {a_sql})").fetchone()[0]
            if missing or extra:
                sample = [f"A 有：{r}" for r in con.execute(
                    f"{a_sql} EXCEPT ALL {b_sql} ORDER BY ALL LIMIT {examples}").fetchall()]
                sample += [f"B 有：{r}" for r in con.execute(
                    f"{b_sql} EXCEPT ALL {a_sql} ORDER BY ALL LIMIT {examples}").fetchall()]
                rows_a = con.execute(f"SELECT count(*) FROM db_a.{name}").fetchone()[0]
                rows_b = con.execute(f"SELECT count(*) FROM db_b.{name}").fetchone()[0]
                diffs.append(TableDiff(table, columns_a=cols_a, columns_b=cols_b, rows_a=rows_a,
                                       rows_b=rows_b, missing_in_b=missing, extra_in_b=extra,
                                       examples=[s[:300] for s in sample]))
        return diffs
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    """CLI: exit 0 when the databases hold the same rows, 1 otherwise (differences printed)."""
    parser = argparse.ArgumentParser(prog="python -m pipelines diff-marts",
                                     description="逐表比较两个数据集市（ORDER BY ALL）")
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--ignore-column", action="append", default=[], help="比较时忽略的列（可重复）")
    parser.add_argument("--ignore-table", action="append", default=[], help="比较时忽略的表（可重复）")
    parser.add_argument("--schema", action="append", default=None, help="比较的 schema（默认 main）")
    args = parser.parse_args(argv)
    diffs = diff_databases(args.a, args.b, tuple(args.ignore_column), tuple(args.ignore_table),
                           tuple(args.schema or ["main"]))
    for d in diffs:
        print(d)
    print("两个数据集市完全一致" if not diffs else f"共 {len(diffs)} 张表不同", file=sys.stderr)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
