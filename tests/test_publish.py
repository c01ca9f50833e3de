"""Readers never block a build; an interrupted build never damages the published marts."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import build, marts, return_rows, write_xlsx

ROOT = Path(__file__).resolve().parents[1]


def one_return(data_dir: Path, status: str) -> None:
    write_xlsx(data_dir / "raw" / "640521" / "returns" / "r.xlsx",
               return_rows("县财政局", "2018-07", "2018-08-03",
                           [["1.1.1", "x", status, None, None, None, None]]))


def cli_build(data_dir: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_AS_OF": "2018-12-31"}
    env.pop("DAGSTER_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "pipelines", "build"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def status_of(data_dir: Path) -> str:
    con = marts(data_dir)
    try:
        return con.execute("SELECT status FROM return_rows").fetchone()[0]
    finally:
        con.close()


def test_reader_holding_the_marts_does_not_block_a_build(data_dir):
    one_return(data_dir, "未启动")
    build(data_dir)
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time\n"
         f"con = duckdb.connect({str(data_dir / 'marts' / 'gongkai.duckdb')!r}, read_only=True)\n"
         "print(con.execute('SELECT status FROM return_rows').fetchone()[0], flush=True)\n"
         "sys.stdin.readline()\n"
         "print(con.execute('SELECT status FROM return_rows').fetchone()[0], flush=True)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "未启动"  # the reader now holds the file open
    one_return(data_dir, "推进中")
    started = time.monotonic()
    proc = cli_build(data_dir)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    assert time.monotonic() - started < 60  # no lock wait (a blocked writer retried for 108 s)
    reader.stdin.write("\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == "未启动"  # its snapshot is intact, no error
    assert reader.wait(timeout=30) == 0
    assert status_of(data_dir) == "推进中"  # a new reader sees the new build


def test_killed_build_leaves_published_marts_as_they_were(data_dir):
    one_return(data_dir, "未启动")
    build(data_dir)
    published = data_dir / "marts" / "gongkai.duckdb"
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    one_return(data_dir, "已完成")
    proc = cli_build(data_dir, start_new_session=True)
    staging = data_dir / "marts" / ".staging"
    deadline = time.monotonic() + 120
    while not any(staging.glob("*.duckdb")):
        assert proc.poll() is None, "build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before
    assert status_of(data_dir) == "未启动"
    build(data_dir)  # the next build succeeds and clears the leftovers
    assert status_of(data_dir) == "已完成"
    assert not any(staging.glob("*"))


def test_failed_build_exits_non_zero_and_keeps_marts(data_dir, monkeypatch):
    one_return(data_dir, "未启动")
    build(data_dir)
    published = data_dir / "marts" / "gongkai.duckdb"
    before = hashlib.sha256(published.read_bytes()).hexdigest()
    # a calendar gap is a hard failure: requests in a year nobody has holidays for
    (data_dir / "raw" / "640521" / "requests").mkdir(exist_ok=True)
    write_xlsx(data_dir / "raw" / "640521" / "requests" / "q.xlsx", [
        ["申请编号", "收到日期", "申请方式", "申请人类型", "受理单位", "办理结果", "答复日期"],
        ["X-1", "2031-03-02", "网络", "自然人", "县财政局", None, None]])
    proc = cli_build(data_dir)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 1
    assert "calendar.csv" in out and "2031" in out
    assert "已发布的数据集市保持不变" in out
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("runs", [2])
def test_concurrent_builds_are_serialised(data_dir, runs):
    one_return(data_dir, "推进中")
    procs = [cli_build(data_dir) for _ in range(runs)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * runs, outs
    assert status_of(data_dir) == "推进中"
