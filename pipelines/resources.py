"""Dagster resources: the settings and the marts database with its staging-and-publish cycle.

DuckDB allows one writing process, and a reader holding the file makes a writer fail
(measured: a build failed after 108 s while a notebook held a read-only connection). So a
build never writes a published file in place. A run builds one division: it copies that
division's published database (``marts/divisions/<division>.duckdb``) to a staging file of
its own, writes there, and its last asset swaps the staging file in with one atomic
``os.replace``, then assembles ``gongkai.duckdb`` from every division's file the same way.
A reader keeps its open handle on the old file; a killed build leaves only a stale staging
file, removed by the next build. Builds take an exclusive lock, so two schedulers (or a
sensor run and ``python -m pipelines build``) never interleave.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines.partitions import PARTITION_TAG
from pipelines.settings import Settings, load_settings, parse_as_of

STAGING_DIR = ".staging"
LOCK_FILE = ".build.lock"
LOCK_WAIT_SECONDS = 1800


@contextmanager
def build_lock(marts_dir: Path, log=None, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Exclusive, process-wide build lock (released by the kernel if the build is killed)."""
    marts_dir.mkdir(parents=True, exist_ok=True)
    with (marts_dir / LOCK_FILE).open("a+") as fh:
        deadline = time.monotonic() + wait_seconds
        announced = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"另一个构建仍在运行（{marts_dir / LOCK_FILE} 被占用超过 {wait_seconds:.0f} 秒）"
                    ) from None
                if log and not announced:
                    log.info("另一个构建正在写入数据集市，等待其完成……")
                    announced = True
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _usable(db_path: Path) -> bool:
    try:
        duckdb.connect(str(db_path), read_only=True).close()
        return True
    except duckdb.Error:
        return False


def prepare_staging(settings: Settings, division: str, run_id: str, log=None) -> Path:
    """Fresh staging file for this run, seeded from the division's published database
    (the caller holds the build lock)."""
    staging_dir = settings.marts_dir / STAGING_DIR
    if staging_dir.exists():
        shutil.rmtree(staging_dir)  # leftovers of a killed build: safe, we hold the lock
    staging_dir.mkdir(parents=True)
    staging = staging_dir / f"{division}-{run_id}.duckdb"
    published = settings.division_db(division)
    if published.exists():
        if _usable(published):
            shutil.copyfile(published, staging)
        elif log:
            log.warning(f"已发布的 {published} 无法打开（可能由其他版本的 DuckDB 写入），本次从空库重建")
    return staging


def _checkpointed(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"暂存库 {path} 检查点后仍有未合并的 WAL，拒绝发布")
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _swap_in(new: Path, published: Path) -> None:
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(new, published)
    dir_fd = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def publish_staging(staging: Path, published: Path) -> None:
    """Checkpoint the staging file and swap it in atomically; readers keep the old file."""
    _checkpointed(staging)
    _swap_in(staging, published)


def _create_macros(con: duckdb.DuckDBPyConnection, macros: list[tuple[str, list[str], str]]) -> None:
    # A macro that calls another can only be created after it; the catalogue does not list
    # them in creation order, so create what binds and retry the rest.
    pending = list(macros)
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


def assemble_published(settings: Settings, freshest: str | None = None) -> Path:
    """Rebuild ``gongkai.duckdb`` from every division's published database, atomically.

    Tables with a ``division`` column are the union of all divisions' rows; the others are
    shared rules (the calendar, the templates) and come from the freshest build.
    """
    parts = sorted(settings.divisions_dir.glob("*.duckdb"))
    target = settings.marts_dir / STAGING_DIR / f"assembled-{os.getpid()}.duckdb"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    con = duckdb.connect(str(target))
    try:
        aliases = {}
        for i, part in enumerate(parts):
            alias = f"part{i}"
            con.execute(f"ATTACH '{part}' AS {alias} (READ_ONLY)")
            aliases[part.stem] = alias
        columns = con.execute(
            "SELECT database_name, schema_name, table_name, list(column_name) FROM duckdb_columns() "
            "WHERE database_name LIKE 'part%' GROUP BY ALL").fetchall()
        tables: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}
        for database, schema, table, cols in columns:
            tables.setdefault((schema, table), []).append((database, cols))
        newest = aliases.get(freshest or "")
        for (schema, table), sources in sorted(tables.items()):
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            if all("division" in cols for _, cols in sources):
                body = " UNION ALL BY NAME ".join(
                    f'SELECT * FROM {db}."{schema}"."{table}"' for db, _ in sorted(sources))
            else:
                db = newest if any(d == newest for d, _ in sources) else sorted(sources)[-1][0]
                body = f'SELECT * FROM {db}."{schema}"."{table}"'
            con.execute(f'CREATE TABLE "{schema}"."{table}" AS {body}')
        # Macros (the working-day arithmetic) are not tables: recreate the freshest part's.
        source_db = newest or (sorted(aliases.values())[-1] if aliases else None)
        macros = con.execute(
            "SELECT function_name, parameters, macro_definition FROM duckdb_functions() "
            "WHERE database_name = $db AND function_type = 'macro' ORDER BY function_oid",
            {"db": source_db}).fetchall() if source_db else []
        _create_macros(con, macros)
        for alias in aliases.values():
            con.execute(f"DETACH {alias}")
    finally:
        con.close()
    _checkpointed(target)
    _swap_in(target, settings.db_path)
    return settings.db_path


class MartsDatabase(dg.ConfigurableResource):
    """The marts database of one data directory, written through a per-run staging file.

    ``data_dir`` and ``as_of`` default to ``GONGKAI_DATA_DIR`` and ``GONGKAI_AS_OF``.
    """

    data_dir: str | None = None
    as_of: str | None = None
    _staging: Path | None = PrivateAttr(default=None)
    _division: str | None = PrivateAttr(default=None)

    def settings(self) -> Settings:
        """The resolved data directory and as-of date."""
        base = load_settings()
        return Settings(
            data_dir=Path(self.data_dir).resolve() if self.data_dir else base.data_dir,
            as_of=parse_as_of(self.as_of) if self.as_of else base.as_of,
        )

    @property
    def as_of_date(self) -> date:
        """The date open and overdue are judged at."""
        return self.settings().as_of

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[MartsDatabase]:
        settings = self.settings()
        division = context.run.tags.get(PARTITION_TAG) if context.run else None
        if not division:
            raise dg.DagsterInvariantViolationError(
                "每次构建针对一个行政区划：请选择分区（区划代码）运行，或使用 python -m pipelines build")
        with build_lock(settings.marts_dir, context.log):
            self._division = division
            self._staging = prepare_staging(settings, division, context.run.run_id, context.log)
            try:
                yield self
            finally:
                # Not published (failure, or a run without the publish step): discard.
                if self._staging.exists():
                    self._staging.unlink()
                wal = self._staging.with_name(self._staging.name + ".wal")
                if wal.exists():
                    wal.unlink()

    @property
    def staging_path(self) -> Path:
        """The staging file of the current run."""
        if self._staging is None:
            raise RuntimeError("MartsDatabase 只能在 Dagster 运行中使用（缺少暂存库）")
        return self._staging

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to this run's staging database."""
        con = duckdb.connect(str(self.staging_path))
        try:
            con.execute("SET VARIABLE as_of = ?", [self.as_of_date])
            yield con
        finally:
            con.close()

    @property
    def division(self) -> str:
        """The division this run builds."""
        if self._division is None:
            raise RuntimeError("MartsDatabase 只能在 Dagster 运行中使用（缺少分区）")
        return self._division

    def publish(self) -> Path:
        """Swap this run's staging database in as the division's published database, then
        reassemble ``gongkai.duckdb`` from every division."""
        settings = self.settings()
        publish_staging(self.staging_path, settings.division_db(self.division))
        return assemble_published(settings, freshest=self.division)
