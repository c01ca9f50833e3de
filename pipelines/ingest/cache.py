"""Parsed rows kept per file, so a build parses only the files that are new or changed.

The cache lives in the division's build database (schema ``cache``), one set of tables per
source, keyed by the file's content hash and the parser's fingerprint: the reader's code, the
contract, the unit registry, the outcome words and the applicant-key secret. A file whose hash
and fingerprint are known is not opened again; its typed rows, rejected rows and verdict come
from the cache, under the name and date it has now. Supersession and quarantine then run on
every current file exactly as before, so the marts cannot tell a cached file from a parsed one.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from pipelines.db import insert_frame, write_frame
from pipelines.ingest.contracts import KIND_TYPES, Contract
from pipelines.ingest.files import CurrentFile
from pipelines.ingest.normalise import ReadContext
from pipelines.ingest.reader import FileVerdict, SourceFile, read_files
from pipelines.ingest.records import staging_columns

REJECT_TYPES = [("sheet", "VARCHAR"), ("row_number", "BIGINT"), ("column_name", "VARCHAR"),
                ("value_preview", "VARCHAR"), ("reason", "VARCHAR")]
FILE_TYPES = [("rows_read", "BIGINT"), ("error", "VARCHAR"), ("file_as_of", "DATE")]
KEY_TYPES = [("sha256", "VARCHAR"), ("fingerprint", "VARCHAR")]


@dataclass
class CacheStats:
    """How many of the current files were parsed now and how many came from the cache."""

    parsed: int
    cached: int
    parsed_files: list[str]


def _meta_types(contract: Contract) -> list[tuple[str, str]]:
    return [(f.name, KIND_TYPES[f.kind]) for f in contract.metadata]


def _row_types(contract: Contract) -> list[tuple[str, str]]:
    return [("_sheet", "VARCHAR"), ("_row", "BIGINT"), *staging_columns(contract)]


def ensure_tables(con: duckdb.DuckDBPyConnection, contract: Contract) -> None:
    """Create the source's cache tables if this database has none yet."""
    s = contract.source
    con.execute("CREATE SCHEMA IF NOT EXISTS cache")
    for table, types in ((f"{s}_files", [*FILE_TYPES, *_meta_types(contract)]),
                         (f"{s}_rows", _row_types(contract)), (f"{s}_rejects", REJECT_TYPES)):
        ddl = ", ".join(f'"{n}" {t}' for n, t in [*KEY_TYPES, *types])
        con.execute(f"CREATE TABLE IF NOT EXISTS cache.{table} ({ddl})")
    # A cache written by an older contract (a column added since) cannot be trusted: start over.
    have = [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'cache' AND table_name = $t "
        "ORDER BY column_index", {"t": f"{s}_rows"}).fetchall()]
    if have != [n for n, _ in [*KEY_TYPES, *_row_types(contract)]]:
        for table in (f"{s}_files", f"{s}_rows", f"{s}_rejects"):
            con.execute(f"DROP TABLE cache.{table}")
        ensure_tables(con, contract)


def refresh(con: duckdb.DuckDBPyConnection, contract: Contract, files: list[CurrentFile], ctx: ReadContext,
            fingerprint: str, unreadable: dict[str, str] | None = None) -> CacheStats:
    """Parse the files the cache does not hold (under this fingerprint), store them, and drop
    entries of files no longer present; ``unreadable`` maps a file's display name to why it
    cannot be read at all (e.g. no registry for the division)."""
    s = contract.source
    ensure_tables(con, contract)
    known = {r[0] for r in con.execute(f"SELECT sha256 FROM cache.{s}_files WHERE fingerprint = $1",
                                       [fingerprint]).fetchall()}
    todo = list({f.sha256: f for f in files if f.sha256 not in known and f.display not in (unreadable or {})
                 }.values())
    rows_types, meta_types = _row_types(contract), _meta_types(contract)

    hashes = [f.sha256 for f in todo]

    def sink(rows: pd.DataFrame, rejects: pd.DataFrame) -> None:
        for frame, table, types in ((rows, f"cache.{s}_rows", rows_types),
                                    (rejects, f"cache.{s}_rejects", REJECT_TYPES)):
            keyed = frame.assign(sha256=[hashes[n] for n in frame["_file_no"]], fingerprint=fingerprint)
            insert_frame(con, table, keyed, [*KEY_TYPES, *types])

    verdicts = read_files([SourceFile(f.path, f.display) for f in todo], contract, ctx, sink)
    _store_verdicts(con, contract, todo, verdicts, fingerprint, meta_types)
    # Keep only what the drop zone holds now, under the current fingerprint.
    current = pd.DataFrame({"sha256": sorted({f.sha256 for f in files})}, dtype=object)
    con.register("_current_files", current)
    try:
        for table in (f"{s}_files", f"{s}_rows", f"{s}_rejects"):
            con.execute(f"DELETE FROM cache.{table} WHERE fingerprint <> $1 "
                        "OR sha256 NOT IN (SELECT sha256 FROM _current_files)", [fingerprint]).fetchall()
    finally:
        con.unregister("_current_files")
    return CacheStats(parsed=len(todo), cached=len(files) - len(todo), parsed_files=[f.display for f in todo])


def _store_verdicts(con: duckdb.DuckDBPyConnection, contract: Contract, todo: list[CurrentFile],
                    verdicts: list[FileVerdict], fingerprint: str, meta_types: list[tuple[str, str]]) -> None:
    # One statement per table for all the files just read: a statement per file cost ~9 ms,
    # six seconds for a county's 677 files against a parse of about as much.
    s = contract.source
    failed = [(f, v) for f, v in zip(todo, verdicts, strict=True) if v.error is not None]
    if failed:
        # Rows a large file sank before it turned unreadable are not kept: rejected whole.
        for table in (f"{s}_rows", f"{s}_rejects"):
            con.execute(f"DELETE FROM cache.{table} WHERE fingerprint = $1 AND list_contains($2, sha256)",
                        [fingerprint, [f.sha256 for f, _ in failed]]).fetchall()
        rejections = pd.concat([v.rejection[[c for c, _ in REJECT_TYPES]].assign(sha256=f.sha256)
                                for f, v in failed], ignore_index=True).assign(fingerprint=fingerprint)
        insert_frame(con, f"cache.{s}_rejects", rejections, [*KEY_TYPES, *REJECT_TYPES])
    file_rows = pd.DataFrame([{"sha256": f.sha256, "fingerprint": fingerprint, "rows_read": v.rows_read,
                               "error": v.error, "file_as_of": None,
                               **{n: v.metadata.get(n) for n, _ in meta_types}}
                              for f, v in zip(todo, verdicts, strict=True)],
                             columns=[n for n, _ in [*KEY_TYPES, *FILE_TYPES, *meta_types]])
    insert_frame(con, f"cache.{s}_files", file_rows, [*KEY_TYPES, *FILE_TYPES, *meta_types])
    # The newest date in a file orders re-exports of a ledger (names carry no meaning).
    dates = [f.name for f in contract.stored_fields() if f.kind == "date"]
    if dates and todo:
        greatest = ", ".join(f'max(r."{d}")' for d in dates)
        con.execute(f"""UPDATE cache.{s}_files f SET file_as_of = d.file_as_of
            FROM (SELECT r.sha256, greatest({greatest}) AS file_as_of FROM cache.{s}_rows r
                  WHERE r.fingerprint = $1 AND list_contains($2, r.sha256) GROUP BY r.sha256) d
            WHERE f.sha256 = d.sha256 AND f.fingerprint = $1 AND f.error IS NULL""",
                    [fingerprint, [f.sha256 for f in todo]]).fetchall()


def stage(con: duckdb.DuckDBPyConnection, contract: Contract, division: str, files: list[CurrentFile],
          fingerprint: str, unreadable: dict[str, str] | None = None) -> None:
    """Write ``staging.<source>_rows``, ``_rejects`` and ``_files`` for the current files from the
    cache (and one rejection record for each unreadable file)."""
    s = contract.source
    unreadable = unreadable or {}
    current = pd.DataFrame([{"division": division, "file": f.display, "sha256": f.sha256, "size": f.size,
                             "mtime": f.mtime, "unreadable": unreadable.get(f.display)} for f in files],
                           columns=["division", "file", "sha256", "size", "mtime", "unreadable"])
    write_frame(con, "staging._current_files", current, [
        ("division", "VARCHAR"), ("file", "VARCHAR"), ("sha256", "VARCHAR"), ("size", "BIGINT"),
        ("mtime", "DOUBLE"), ("unreadable", "VARCHAR")])
    row_cols = ", ".join(f'r."{n}"' for n, _ in _row_types(contract))
    reject_cols = ", ".join(f'r."{n}"' for n, _ in REJECT_TYPES)
    meta_cols = "".join(f', c."{n}"' for n, _ in _meta_types(contract))
    con.execute(f"""
        CREATE OR REPLACE TABLE staging.{s}_rows AS
        SELECT f.division, f.file AS _file, {row_cols}
        FROM staging._current_files f
        JOIN cache.{s}_rows r ON r.sha256 = f.sha256 AND r.fingerprint = $fp
        WHERE f.unreadable IS NULL
        ORDER BY f.file, r._sheet, r._row""", {"fp": fingerprint})
    con.execute(f"""
        CREATE OR REPLACE TABLE staging.{s}_rejects AS
        SELECT '{s}' AS source, f.division, f.file, {reject_cols}
        FROM staging._current_files f
        JOIN cache.{s}_rejects r ON r.sha256 = f.sha256 AND r.fingerprint = $fp
        WHERE f.unreadable IS NULL
        UNION ALL
        SELECT '{s}', division, file, NULL, NULL, NULL, NULL, '整个文件未导入：' || unreadable
        FROM staging._current_files WHERE unreadable IS NOT NULL
        ORDER BY file, sheet, row_number""", {"fp": fingerprint})
    con.execute(f"""
        CREATE OR REPLACE TABLE staging.{s}_files AS
        SELECT f.division, f.file, f.sha256, f.size, f.mtime,
               CASE WHEN f.unreadable IS NULL THEN c.rows_read ELSE 0 END AS rows_read,
               coalesce(f.unreadable, c.error) AS error,
               CASE WHEN f.unreadable IS NULL THEN c.file_as_of END AS file_as_of{meta_cols}
        FROM staging._current_files f
        LEFT JOIN cache.{s}_files c ON c.sha256 = f.sha256 AND c.fingerprint = $fp
        ORDER BY f.file""", {"fp": fingerprint})
    con.execute("DROP TABLE staging._current_files")
