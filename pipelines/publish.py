"""Publishing a division's marts, at a cost that follows the division, not the province.

What readers open:

- ``marts/divisions/<division>.duckdb``: one county's database (its marts, and the build's own
  staging and parse-cache schemas): the run's staging file itself (rewritten compact when
  more than a third of it is free space), swapped in with one ``os.replace``: a reader
  holding the old file keeps reading it.
- ``marts/published/<division>/<build>/<table>.parquet`` and the ``current`` link beside them:
  the county's marts as immutable files; a publish writes a new ``<build>`` folder and moves
  the link.
- ``marts/gongkai.duckdb``: the province view, only views (``read_parquet`` over every
  division's ``current`` folder) and the working-day macros; rewritten (a few kilobytes) under
  a short global lock. Publishing one county never copies another county's rows.

A killed build publishes nothing: every file is complete before the rename that makes it
visible. Previous versions are kept for readers still inside a query, and removed later.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.atomic import fsync_dir, replace_file
from pipelines.db import quote, string_literal
from pipelines.locks import file_lock
from pipelines.settings import Settings, duckdb_memory_mb

BLOCK_SIZE = 16_384  # the marts are small: 16 kB blocks instead of 256 kB keep them a few MB
PUBLISHED_DIR = "published"
CURRENT = "current"
TABLES_FILE = "_tables.json"
KEEP_VERSIONS_SECONDS = 600
# Above this share of free blocks, a publish writes the county's file anew (compact).
COMPACT_ABOVE = 1 / 3


@dataclass
class Published:
    """Where one publish put the division's marts."""

    division_db: Path
    version_dir: Path
    province_db: Path
    tables: int


def new_database(path: Path) -> duckdb.DuckDBPyConnection:
    """A new, empty database file with small blocks."""
    return duckdb.connect(str(path), config={"default_block_size": str(BLOCK_SIZE),
                                             "memory_limit": f"{duckdb_memory_mb()}MB"})


def _checkpointed(path: Path) -> None:
    con = duckdb.connect(str(path), config={"memory_limit": f"{duckdb_memory_mb()}MB"})
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"数据库 {path} 检查点后仍有未合并的 WAL，拒绝发布")
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _main_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, bool]]:
    rows = con.execute(
        "SELECT table_name, bool_or(column_name = 'division') FROM duckdb_columns() "
        "WHERE database_name = $db AND schema_name = 'main' GROUP BY 1 ORDER BY 1",
        {"db": database}).fetchall()
    return [(name, bool(has)) for name, has in rows]


def _macros(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, list[str], str]]:
    return con.execute(
        "SELECT function_name, parameters, macro_definition FROM duckdb_functions() "
        "WHERE database_name = $db AND function_type = 'macro' AND NOT internal ORDER BY function_oid",
        {"db": database}).fetchall()


def free_share(path: Path) -> float:
    """The share of a database file's blocks that hold nothing (freed by earlier builds)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        total, free = con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
    finally:
        con.close()
    return free / total if total else 0.0


def publish_division(settings: Settings, division: str, staging: Path, build_id: str, log=None) -> Published:
    """Make a run's staging database the division's published marts (caller holds the
    division's lock). The staging file itself becomes the county's file unless more than
    ``COMPACT_ABOVE`` of it is free space; then a compact copy of it does."""
    _checkpointed(staging)
    work = staging.parent
    compact = work / f"{staging.stem}.compact.duckdb"
    version = settings.marts_dir / PUBLISHED_DIR / division / build_id
    if version.exists():
        shutil.rmtree(version)
    version.mkdir(parents=True)
    compact.unlink(missing_ok=True)
    # The staging file starts as a copy of the published one, and rebuilt tables free blocks
    # in it that later builds reuse. Copying every table into a new file (4.5 s of a 30,000-row
    # county's 15 s build) is paid only when the free blocks have become a large share.
    rewrite = free_share(staging) > COMPACT_ABOVE
    con = new_database(compact) if rewrite else duckdb.connect(config={
        "memory_limit": f"{duckdb_memory_mb()}MB"})
    try:
        con.execute(f"ATTACH {string_literal(str(staging))} AS run (READ_ONLY)")
        if rewrite:
            here = con.execute("SELECT current_database()").fetchall()[0][0]
            con.execute(f"COPY FROM DATABASE run TO {quote(here)}")
        tables = _main_tables(con, "run")
        for table, _ in tables:
            target = version / f"{table}.parquet"
            con.execute(f"COPY run.main.{quote(table)} TO {string_literal(str(target))} "
                        "(FORMAT parquet, COMPRESSION zstd)")
        macros = _macros(con, "run")
        con.execute("DETACH run")
    finally:
        con.close()
    (version / "_macros.json").write_text(json.dumps(macros, ensure_ascii=False), encoding="utf-8")
    fsync_dir(version)
    if rewrite:
        _checkpointed(compact)
    division_db = settings.division_db(division)
    replace_file(compact if rewrite else staging, division_db)
    _point_current(version)
    _drop_old_versions(version.parent, keep=version.name)
    with file_lock(settings.marts_dir / ".locks" / "publish.lock", log, "其他区划正在更新全省视图"):
        province = write_province_view(settings, division, tables)
    return Published(division_db, version, province, len(tables))


def _point_current(version: Path) -> None:
    link = version.parent / CURRENT
    tmp = version.parent / f".{CURRENT}.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(version.name)
    os.replace(tmp, link)
    fsync_dir(version.parent)


def _drop_old_versions(folder: Path, keep: str) -> None:
    # A reader may be inside a query over the previous version: it is kept a while.
    now = time.time()
    for old in folder.iterdir():
        if old.name in (keep, CURRENT) or old.name.startswith("."):
            continue
        if now - old.stat().st_mtime > KEEP_VERSIONS_SECONDS:
            shutil.rmtree(old, ignore_errors=True)


def _known_tables(settings: Settings, division: str, tables: list[tuple[str, bool]]) -> dict:
    path = settings.marts_dir / PUBLISHED_DIR / TABLES_FILE
    known = (json.loads(path.read_text(encoding="utf-8")) if path.exists()
             else {"tables": {}, "shared_from": None})
    for table, has_division in tables:
        known["tables"][table] = has_division
    known["shared_from"] = division
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(known, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return known


def write_province_view(settings: Settings, freshest: str, tables: list[tuple[str, bool]]) -> Path:
    """Rewrite ``gongkai.duckdb``: a view per table over every division's current parquet
    (shared reference tables from the freshest division), and the macros (caller holds the
    publish lock)."""
    known = _known_tables(settings, freshest, tables)
    published = settings.marts_dir / PUBLISHED_DIR
    target = settings.marts_dir / f".{settings.db_path.name}.{os.getpid()}"
    target.unlink(missing_ok=True)
    con = new_database(target)
    try:
        for table, has_division in sorted(known["tables"].items()):
            if has_division:
                files = string_literal(str(published / "*" / CURRENT / f"{table}.parquet"))
                source = f"read_parquet({files}, union_by_name = true)"
            else:
                files = string_literal(str(published / known["shared_from"] / CURRENT / f"{table}.parquet"))
                source = f"read_parquet({files})"
            con.execute(f"CREATE VIEW {quote(table)} AS SELECT * FROM {source}")
        macros = json.loads((published / freshest / CURRENT / "_macros.json").read_text(encoding="utf-8"))
        create_macros(con, macros)
    finally:
        con.close()
    _checkpointed(target)
    replace_file(target, settings.db_path)
    return settings.db_path


def create_macros(con: duckdb.DuckDBPyConnection, macros: list) -> None:
    """Recreate macros (name, parameters, body) in ``con``, callers after what they call."""
    # The catalogue does not list macros in creation order: create what binds, retry the rest.
    pending = [tuple(m) for m in macros]
    while pending:
        failed = []
        for name, parameters, definition in pending:
            try:
                con.execute(f"CREATE OR REPLACE MACRO {name}({', '.join(parameters)}) AS {definition}")
            except duckdb.CatalogException:
                failed.append((name, parameters, definition))
        if len(failed) == len(pending):
            raise RuntimeError(f"无法重建宏：{'、'.join(m[0] for m in failed)}")
        pending = failed
