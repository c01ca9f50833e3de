"""Dagster resources: the settings and the marts database with its staging-and-publish cycle.

DuckDB allows one writing process, and a reader holding the file makes a writer fail
(measured: a build failed after 108 s while a notebook held a read-only connection). So a
build never writes ``gongkai.duckdb`` in place. It copies the published file to a staging
file of its own run, writes there, and the last asset swaps the staging file in with one
atomic ``os.replace``. A reader keeps its open handle on the old file; a killed build leaves
only a stale staging file, removed by the next build. Builds take an exclusive lock, so two
schedulers (or a sensor run and ``python -m pipelines build``) never interleave.
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


def prepare_staging(settings: Settings, run_id: str, log=None) -> Path:
    """Fresh staging file for this run, seeded from the published marts (caller holds the lock)."""
    staging_dir = settings.marts_dir / STAGING_DIR
    if staging_dir.exists():
        shutil.rmtree(staging_dir)  # leftovers of a killed build: safe, we hold the lock
    staging_dir.mkdir(parents=True)
    staging = staging_dir / f"gongkai-{run_id}.duckdb"
    published = settings.db_path
    if published.exists():
        if _usable(published):
            shutil.copyfile(published, staging)
        elif log:
            log.warning(f"已发布的 {published} 无法打开（可能由其他版本的 DuckDB 写入），本次从空库重建")
    return staging


def publish_staging(staging: Path, published: Path) -> None:
    """Checkpoint the staging file and swap it in atomically; readers keep the old file."""
    con = duckdb.connect(str(staging))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    wal = staging.with_name(staging.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"暂存库 {staging} 检查点后仍有未合并的 WAL，拒绝发布")
    with staging.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(staging, published)
    dir_fd = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class MartsDatabase(dg.ConfigurableResource):
    """The marts database of one data directory, written through a per-run staging file.

    ``data_dir`` and ``as_of`` default to ``GONGKAI_DATA_DIR`` and ``GONGKAI_AS_OF``.
    """

    data_dir: str | None = None
    as_of: str | None = None
    _staging: Path | None = PrivateAttr(default=None)

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
        with build_lock(settings.marts_dir, context.log):
            self._staging = prepare_staging(settings, context.run.run_id, context.log)
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

    def publish(self) -> Path:
        """Atomically replace the published marts with this run's staging database."""
        published = self.settings().db_path
        publish_staging(self.staging_path, published)
        return published
