"""What a year's report reads, as one digest: the pack and the notebooks of a year are made
again only when it changes.

A year's pages show that year and compare it with the years before, so the digest of year Y
covers every row of the division's marts that belongs to Y or earlier (by the table's own
date or year), the reference tables whole, and the as-of date. A return for 2019 changes the
2019 digest and leaves 2018's, so the 2018 pack keeps its files, bytes and dates.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.db import quote, table_columns
from pipelines.fingerprint import digest

# How a table's rows are placed in a year, where it has no ``year`` column.
YEAR_OF = {
    "return_submissions": "CAST(left(period, 4) AS INTEGER)",
    "return_rows": "CAST(left(period, 4) AS INTEGER)",
    # a refused file whose period could not be read belongs to no year: every year shows it
    "return_files": "coalesce(CAST(left(period, 4) AS INTEGER), 0)",
    "disclosures": "year(published_on)",
    "disclosure_channels": "year(published_on)",
    "requests": "year(received_on)",
    "appeals": "year(received_on)",
    "activities": "year(activity_date)",
}
# Not read by any page: the file log and the quarantine change with every file dropped, and
# build_info with every build (its as-of is taken separately). figure_publications gains a row
# per build too; a page reads only its rows that stay as they were (the history's snapshots
# change with the figures, and they are digested).
NOT_SHOWN = {"quarantine", "ingest_log", "build_info", "figure_publications"}


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND database_name = current_database() ORDER BY 1").fetchall()]


def year_digest(con: duckdb.DuckDBPyConnection, division: str, year: int) -> str:
    """Digest of everything of ``division`` the pages of ``year`` can read, in a division's
    published database."""
    parts: list[object] = []
    for table in _tables(con):
        if table in NOT_SHOWN:
            continue
        columns = table_columns(con, table)
        where = []
        if "division" in columns:
            where.append("division = $d")
        if "year" in columns:
            where.append("year <= $y")
        elif table in YEAR_OF:
            where.append(f"{YEAR_OF[table]} <= $y")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        params = {k: v for k, v in (("d", division), ("y", year)) if f"${k}" in clause}
        row = con.execute(
            f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM "
            f"(SELECT md5(CAST(t AS VARCHAR)) AS h FROM {quote(table)} t {clause})", params).fetchall()[0]
        parts.append([table, *row])
    as_of = (con.execute("SELECT max(as_of) FROM build_info").fetchall()[0][0]
             if "build_info" in _tables(con) else None)
    return digest([division, year, str(as_of), parts])


def year_digests(db_path: Path, division: str, years: list[int]) -> dict[int, str]:
    """The digest of each year, read from a division's published database (read-only)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {y: year_digest(con, division, y) for y in years}
    finally:
        con.close()
