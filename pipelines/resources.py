"""Dagster resources: the marts database of one division, written through a per-run staging copy.

DuckDB allows one writing process per file, and a reader holding a file makes a writer fail
(measured: a build failed after 108 s while a notebook held a read-only connection). So a
build never writes a published file in place: a run copies its division's database
(``marts/divisions/<division>.duckdb``) to a staging file of its own under
``marts/.staging/<division>/``, writes there, and its publish step (``pipelines.publish``)
swaps the result in. Runs of one division queue on that division's lock; runs of different
divisions proceed side by side and meet only for the moment the province view is rewritten.
A killed run leaves a staging file of its own division, removed by that division's next run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from pydantic import PrivateAttr

from pipelines.db import table_exists, write_frame
from pipelines.fingerprint import code_digest, code_version, inputs_digest, raw_digest
from pipelines.locks import file_lock
from pipelines.partitions import PARTITION_TAG
from pipelines.publish import Published, new_database, publish_division
from pipelines.reference.load import reference_digest, store_for
from pipelines.settings import SOURCES, Settings, duckdb_memory_mb, load_settings, parse_as_of

STAGING_DIR = ".staging"
LOCKS_DIR = ".locks"
BUILD_INFO_TYPES = [
    ("division", "VARCHAR"), ("as_of", "DATE"), ("built_at", "TIMESTAMP"), ("code_version", "VARCHAR"),
    ("raw_digest", "VARCHAR"), ("reference_digest", "VARCHAR"), ("build_id", "VARCHAR"),
    ("code_digest", "VARCHAR"), ("inputs_digest", "VARCHAR"), ("raw_files", "BIGINT"),
]


def division_lock(settings: Settings, division: str, log=None):
    """The lock one build of ``division`` holds from its first step to its last."""
    return file_lock(settings.marts_dir / LOCKS_DIR / f"{division}.lock", log,
                     f"区划 {division} 的另一个构建正在写入数据集市")


def _usable(db_path: Path) -> bool:
    try:
        duckdb.connect(str(db_path), read_only=True).close()
        return True
    except duckdb.Error:
        return False


def prepare_staging(settings: Settings, division: str, run_id: str, log=None) -> Path:
    """A fresh staging file for this run, seeded from the division's published database
    (the caller holds the division's lock, so leftovers here are a killed run's)."""
    folder = settings.marts_dir / STAGING_DIR / division
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    staging = folder / f"{run_id}.duckdb"
    published = settings.division_db(division)
    if published.exists() and _usable(published):
        shutil.copyfile(published, staging)
    else:
        if published.exists() and log:
            log.warning(f"已发布的 {published} 无法打开（可能由其他版本的 DuckDB 写入），本次从空库重建")
        new_database(staging).close()
    return staging


def build_info_row(con: duckdb.DuckDBPyConnection, settings: Settings, division: str, build_id: str
                   ) -> dict:
    """The ``build_info`` row of this run: as-of, time, code, and digests of what was read."""
    files: list[tuple[str, str]] = []
    for source in SOURCES:
        if table_exists(con, f"{source}_files", schema="staging"):
            files += [(f, sha) for f, sha in con.execute(
                f"SELECT file, sha256 FROM staging.{source}_files").fetchall()]
    raw = raw_digest(files)
    reference = reference_digest(store_for(settings), division)
    code = code_digest()
    return {"division": division, "as_of": settings.as_of, "built_at": datetime.now().replace(microsecond=0),
            "code_version": code_version(), "raw_digest": raw, "reference_digest": reference,
            "build_id": build_id, "code_digest": code,
            "inputs_digest": inputs_digest(code, raw, reference, settings.as_of), "raw_files": len(files)}


class MartsDatabase(dg.ConfigurableResource):
    """The marts database of one division, written through a per-run staging file.

    ``data_dir`` and ``as_of`` default to ``GONGKAI_DATA_DIR`` and ``GONGKAI_AS_OF``.
    """

    data_dir: str | None = None
    as_of: str | None = None
    _staging: Path | None = PrivateAttr(default=None)
    _division: str | None = PrivateAttr(default=None)
    _run_id: str | None = PrivateAttr(default=None)
    _open: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _published: bool = PrivateAttr(default=False)

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
        with ExitStack() as stack:
            stack.enter_context(division_lock(settings, division, context.log))
            self._division, self._run_id, self._published = division, context.run.run_id, False
            self._staging = prepare_staging(settings, division, context.run.run_id, context.log)
            try:
                yield self
            finally:
                self._close()
                # Published or not (a failure, a run without the publish step): the copy goes.
                shutil.rmtree(self._staging.parent, ignore_errors=True)

    @property
    def staging_path(self) -> Path:
        """The staging file of the current run."""
        if self._staging is None:
            raise RuntimeError("MartsDatabase 只能在 Dagster 运行中使用（缺少暂存库）")
        return self._staging

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to this run's staging database.

        The database stays open from a step's first connection until the publish or the end
        of the run, and each connection is a cursor on it: opening the file (and checkpointing
        it at each close) cost ~25 ms a time, over 1 s of a small county's build."""
        if self._open is None:
            if self._published:
                # the staging file became the published one: a write now would change what
                # readers hold, or recreate an empty staging file
                raise RuntimeError("本次运行的暂存库已发布，发布之后的步骤只能读取已发布的数据集市")
            spill = self.staging_path.parent / "spill"
            self._open = duckdb.connect(str(self.staging_path), config={
                "memory_limit": f"{duckdb_memory_mb()}MB", "temp_directory": str(spill)})
        con = self._open.cursor()
        try:
            con.execute("SET VARIABLE as_of = ?", [self.as_of_date])
            yield con
        finally:
            con.close()

    def _close(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None

    @property
    def division(self) -> str:
        """The division this run builds."""
        if self._division is None:
            raise RuntimeError("MartsDatabase 只能在 Dagster 运行中使用（缺少分区）")
        return self._division

    def publish(self, log=None) -> Published:
        """Record ``build_info`` and publish this run's staging database as the division's marts
        (the county's file, its parquet parts and the province view)."""
        settings = self.settings()
        with self.connect() as con:
            row = build_info_row(con, settings, self.division, self._run_id or "manual")
            write_frame(con, "build_info", pd.DataFrame([row]), BUILD_INFO_TYPES)
        self._close()  # the publish moves or copies the file: everything written is checkpointed first
        published = publish_division(settings, self.division, self.staging_path, row["build_id"], log)
        self._published = True
        return published
