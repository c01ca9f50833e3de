"""Readers never block a build; an interrupted build never damages the published marts; a
second build of a division waits for the first, saying so.

The CLI builds here are run with ``--no-notebooks --no-pack``: these tests look at the CLI's
own job (exit codes, messages, locks, publishing), not at the pack or the notebooks. A build
runs in a process of its own only where that is the subject (a kill, a lock another process
holds); otherwise the CLI runs in the test's process (``cli_in_process``), whose imports are
paid already.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
from conftest import (
    DIVISION,
    QUIET,
    READ_INTO_MARTS,
    build,
    cli_in_process,
    copy_built,
    marts,
    one_return,
    write_xlsx,
)

from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, make_resources
from pipelines.partitions import DIVISIONS, ensure_partitions
from pipelines.publish import COMPACT_ABOVE, free_share, new_database, publish_division
from pipelines.resources import MartsDatabase, division_lock
from pipelines.settings import Settings, parse_as_of

ROOT = Path(__file__).resolve().parents[1]
MARTS_ONLY = ("--no-notebooks", "--no-pack")
LOCK_WAIT = f"区划 {DIVISION} 的另一个构建正在写入数据集市，等待其完成"


def cli_build(data_dir: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_AS_OF": "2018-12-31"}
    env.pop("DAGSTER_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "pipelines", "build", *MARTS_ONLY, *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def status_of(data_dir: Path) -> str:
    con = marts(data_dir)
    try:
        return con.execute("SELECT status FROM return_rows").fetchone()[0]
    finally:
        con.close()


READER = """
import duckdb, sys
county = duckdb.connect(sys.argv[1], read_only=True)
province = duckdb.connect(sys.argv[2], read_only=True)
query = "SELECT status FROM return_rows"
for line in iter(sys.stdin.readline, ""):
    print(county.execute(query).fetchone()[0], province.execute(query).fetchone()[0], flush=True)
"""


def test_reader_holding_the_marts_does_not_block_a_build(one_return_built, tmp_path, monkeypatch,
                                                         capfd):
    data_dir = copy_built(one_return_built, tmp_path / "data")
    # An analyst with the county's database and the province view open, querying again later.
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(data_dir / "marts" / "divisions" / f"{DIVISION}.duckdb"),
         str(data_dir / "marts" / "gongkai.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def ask() -> list[str]:
        reader.stdin.write("\n")
        reader.stdin.flush()
        return reader.stdout.readline().split()

    assert ask() == ["未启动", "未启动"]  # the reader now holds both files open
    one_return(data_dir, "推进中")
    code, out = cli_in_process(monkeypatch, capfd, data_dir, "build", *MARTS_ONLY)
    assert code == 0, out
    # No lock waited on (a blocked writer used to retry for 108 s); how long a build takes
    # next to a reader is measured by bench/run.py (workload W6), not asserted here.
    assert "等待其完成" not in out and "构建完成" in out
    # No error for the reader: the county file it holds is the old one, swapped out whole (its
    # snapshot); the province view reads the divisions' current parquet, now the new build's.
    assert ask() == ["未启动", "推进中"]
    reader.stdin.close()
    assert reader.wait(timeout=30) == 0, reader.stderr.read()
    assert status_of(data_dir) == "推进中"  # a new reader sees the new build


def test_killed_build_leaves_published_marts_as_they_were(one_return_built, tmp_path):
    data_dir = copy_built(one_return_built, tmp_path / "data")
    published = data_dir / "marts" / "gongkai.duckdb"
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    one_return(data_dir, "已完成")
    proc = cli_build(data_dir, start_new_session=True)
    staging = data_dir / "marts" / ".staging"
    deadline = time.monotonic() + 300
    while not any(staging.glob("*/*.duckdb")):
        assert proc.poll() is None, f"build ended before it could be interrupted:\n{proc.stdout.read()}"
        assert time.monotonic() < deadline, "no staging file appeared"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before
    assert status_of(data_dir) == "未启动"
    build(data_dir, selection=READ_INTO_MARTS)  # the next build succeeds and clears the leftovers
    assert status_of(data_dir) == "已完成"
    assert not any(staging.glob("*"))


def test_failed_build_exits_non_zero_and_keeps_marts(one_return_built, tmp_path, monkeypatch, capfd):
    data_dir = copy_built(one_return_built, tmp_path / "data")
    published = data_dir / "marts" / "gongkai.duckdb"
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    # a calendar gap is a hard failure: requests in a year nobody has holidays for
    write_xlsx(data_dir / "raw" / DIVISION / "requests" / "q.xlsx", [
        ["申请编号", "收到日期", "申请方式", "申请人类型", "受理单位", "办理结果", "答复日期"],
        ["X-1", "2031-03-02", "网络", "自然人", "县财政局", None, None]])
    code, out = cli_in_process(monkeypatch, capfd, data_dir, "build", *MARTS_ONLY)
    assert code == 1, out
    assert "calendar.csv" in out and "2031" in out
    assert f"区划 {DIVISION} 构建失败" in out and "已发布的数据集市保持不变" in out
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before


def test_builds_of_one_division_wait_for_each_other_saying_so(tmp_path, monkeypatch, capfd):
    """While another process holds the division's lock, a CLI build says once that it waits and
    publishes nothing; once the lock is released, it and a second build (this process's,
    started at once) run one after the other: the later one's run starts after the earlier
    one's ended."""
    one_return(tmp_path, "推进中")
    settings = Settings(data_dir=tmp_path, as_of=parse_as_of("2018-12-31"))
    timings = [tmp_path / f"timings-{i}.json" for i in range(2)]
    lines: list[str] = []
    with division_lock(settings, DIVISION) as waited:
        assert not waited
        proc = cli_build(tmp_path, "--timings", str(timings[0]))
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        deadline = time.monotonic() + 300
        while not any(LOCK_WAIT in line for line in lines):
            assert proc.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, f"no lock-wait message:\n{''.join(lines)}"
            time.sleep(0.1)
        time.sleep(1)  # still waiting a moment later: nothing published behind the lock
        assert proc.poll() is None
        assert not (tmp_path / "marts" / "gongkai.duckdb").exists()
    # --force: the other build may have published these very files already
    code, out = cli_in_process(monkeypatch, capfd, tmp_path, "build", *MARTS_ONLY, "--force",
                               "--timings", str(timings[1]))
    assert code == 0, out
    assert proc.wait(timeout=600) == 0, "".join(lines)
    reader.join(timeout=30)
    assert sum(LOCK_WAIT in line for line in lines) == 1, lines  # said once, not once per retry
    assert status_of(tmp_path) == "推进中"
    # Each build held the division's lock from its first step to its last: their runs do not
    # overlap, whichever went first.
    spans = sorted((run["first_step"], run["last_step"]) for t in timings
                   for run in json.loads(t.read_text(encoding="utf-8")))
    assert len(spans) == 2, (lines, out)
    (_, first_end), (second_start, _) = spans
    assert first_end <= second_start, (spans, lines, out)


def staging_with_free_blocks(path: Path, freed_rows: int) -> Path:
    """A staging database as a run leaves it: a mart, and ``freed_rows`` rows of a table that
    a rebuild dropped (their blocks free, the file as large as before)."""
    con = new_database(path)
    try:
        con.execute("CREATE TABLE requests AS SELECT i AS n, 'x' || i AS name FROM range(20000) t(i)")
        if freed_rows:
            con.execute("CREATE TABLE old AS SELECT i AS n, md5(i::VARCHAR) AS h FROM range(?) t(i)",
                        [freed_rows])
            con.execute("CHECKPOINT")
            con.execute("DROP TABLE old")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def test_publish_moves_the_staging_file_and_compacts_only_a_mostly_free_one(tmp_path):
    settings = Settings(data_dir=tmp_path, as_of=parse_as_of("2018-12-31"))
    work = tmp_path / "marts" / ".staging" / DIVISION
    work.mkdir(parents=True)
    # little free space: the staging file itself is published (the same inode), not a copy
    tight = staging_with_free_blocks(work / "run1.duckdb", 0)
    inode, size = tight.stat().st_ino, tight.stat().st_size
    assert free_share(tight) == 0
    published = publish_division(settings, DIVISION, tight, "build1")
    assert (published.division_db.stat().st_ino, published.division_db.stat().st_size) == (inode, size)
    assert not tight.exists()
    # most of it free (a rebuild dropped a large table): a compact copy is published
    loose = staging_with_free_blocks(work / "run2.duckdb", 400_000)
    assert free_share(loose) > COMPACT_ABOVE
    inode, size = loose.stat().st_ino, loose.stat().st_size
    published = publish_division(settings, DIVISION, loose, "build2")
    assert published.division_db.stat().st_ino != inode and published.division_db.stat().st_size < size / 2
    assert free_share(published.division_db) == 0
    for build_id in ("build1", "build2"):  # both publishes gave readers the same rows
        assert (settings.marts_dir / "published" / DIVISION / build_id / "requests.parquet").exists()
    con = marts(tmp_path)
    try:
        assert con.execute("SELECT count(*), sum(n) FROM requests").fetchone() == (20000, sum(range(20000)))
    finally:
        con.close()


def test_a_step_after_the_publish_cannot_write_to_what_it_published(one_return_built, tmp_path):
    """The publish made the run's staging file the county's file: a later step of the run that
    tries to write there fails saying so, and what was published stays as published."""
    data_dir = copy_built(one_return_built, tmp_path / "data")
    one_return(data_dir, "已完成")

    @dg.asset(deps=["gongkai_marts"], partitions_def=DIVISIONS)
    def writes_after_publish(marts_db: MartsDatabase) -> None:
        with marts_db.connect() as con:
            con.execute("CREATE TABLE late AS SELECT 1 AS n")

    instance = dg.DagsterInstance.ephemeral()
    ensure_partitions(instance, [DIVISION])
    result = dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS, writes_after_publish],
        resources=make_resources(str(data_dir), "2018-12-31"), instance=instance,
        partition_key=DIVISION, raise_on_error=False, run_config=QUIET,
        selection=READ_INTO_MARTS | dg.AssetSelection.assets(writes_after_publish))
    failures = [e for e in result.all_events if e.is_step_failure]
    assert [e.step_key for e in failures] == ["writes_after_publish"]
    assert "本次运行的暂存库已发布" in failures[0].event_specific_data.error.to_string()
    assert status_of(data_dir) == "已完成"  # the build before it was published
    con = duckdb.connect(str(data_dir / "marts" / "divisions" / f"{DIVISION}.duckdb"), read_only=True)
    try:
        late = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'late'").fetchone()
        assert late == (0,)
    finally:
        con.close()
