"""From one county to many: divisions building side by side on worker processes, nothing
rebuilt when nothing changed, publishing one county under readers of the province, a parallel
build killed mid-way, and a province backfill launched through GraphQL as the UI does, run by
the Dagster daemon (a run per county, two at a time, never two of one county)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import cli_in_process, copy_built
from dagster_dev import (
    EVERY_RUN,
    RUN_LOOK_SECONDS,
    dagster_daemon,
    dagster_webserver,
    graphql,
    marts_asset_keys,
    use_project_instance,
    wait_for,
)
from province import COUNTIES, add_county, cli, published_builds, published_bytes, run_cli, write_requests

from pipelines.partitions import ensure_partitions


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> tuple[Path, list[dict]]:
    """Three counties built by one CLI call on two worker processes: (data dir, --timings)."""
    data_dir = tmp_path_factory.mktemp("province")
    for code, name in COUNTIES.items():
        add_county(data_dir, code, name)
    timings = data_dir / "timings.json"
    run_cli(data_dir, "build", "--jobs", "2", "--no-notebooks", "--no-pack", "--timings", str(timings))
    return data_dir, json.loads(timings.read_text(encoding="utf-8"))


def test_divisions_build_side_by_side_and_all_publish(province):
    data_dir, timings = province
    assert sorted(t["division"] for t in timings) == sorted(COUNTIES) and all(t["success"] for t in timings)
    spans = sorted((t["first_step"], t["last_step"]) for t in timings)
    # Two workers: some county started before another had finished.
    assert any(b_start < a_end for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
    builds = published_builds(data_dir)
    assert sorted(builds) == sorted(COUNTIES)
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        counts = dict(con.execute("SELECT division, count(*) FROM requests GROUP BY 1").fetchall())
        names = dict(con.execute("SELECT division, name FROM ref_divisions").fetchall())
    finally:
        con.close()
    assert counts == dict.fromkeys(COUNTIES, 3) and names == COUNTIES
    for code in COUNTIES:  # each county also opens as one file of its own
        own = duckdb.connect(str(data_dir / "marts" / "divisions" / f"{code}.duckdb"), read_only=True)
        try:
            assert own.execute("SELECT DISTINCT division FROM requests").fetchall() == [(code,)]
        finally:
            own.close()


def test_nothing_changed_means_nothing_is_built_or_rewritten(province):
    data_dir, _ = province
    before = published_bytes(data_dir)
    mtimes = {p: p.stat().st_mtime_ns for p in (data_dir / "marts").rglob("*") if p.is_file()}
    out = run_cli(data_dir, "build", "--no-notebooks", "--no-pack")
    assert out.count("均无变化，跳过") == len(COUNTIES) and "无需构建" in out
    assert published_bytes(data_dir) == before
    assert {p: p.stat().st_mtime_ns for p in (data_dir / "marts").rglob("*") if p.is_file()} == mtimes


# An analyst with the province view and one county's file open, querying both again and again
# until told to stop (its stdin closes): how many reads it made and every error it met.
READER = """
import duckdb, json, sys, threading, time
province = duckdb.connect(sys.argv[1], read_only=True)
county = duckdb.connect(sys.argv[2], read_only=True)
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
reads, errors = 0, []
print("ready", flush=True)
while not stop.is_set():
    try:
        total = province.execute("SELECT count(*) FROM requests").fetchone()[0]
        own = county.execute("SELECT count(*) FROM requests").fetchone()[0]
        assert total >= 9 and own == 3, (total, own)
        reads += 1
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.05)
print(json.dumps({"reads": reads, "errors": errors}))
"""


def test_publishing_one_county_under_readers_of_the_province(province, tmp_path, monkeypatch, capfd):
    source, _ = province
    data_dir = copy_built(source, tmp_path / "readers")
    before = published_builds(data_dir)
    # The reader is a process of its own, as an analyst's is; the build runs in this one.
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(data_dir / "marts" / "gongkai.duckdb"),
         str(data_dir / "marts" / "divisions" / "659002.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "ready\n", reader.stderr.read()
        write_requests(data_dir / "raw" / "659002" / "requests" / "补充.csv", "Y", 2)
        code, out = cli_in_process(monkeypatch, capfd, data_dir, "build", "--division", "659002",
                                   "--no-notebooks", "--no-pack")
        assert code == 0, out
    finally:
        report, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    seen = json.loads(report.splitlines()[-1])
    assert seen["errors"] == [] and seen["reads"] > 10, seen
    after = published_builds(data_dir)
    assert after["659002"] != before["659002"]
    others = [d for d in COUNTIES if d != "659002"]
    assert [after[d] for d in others] == [before[d] for d in others]


def test_a_parallel_build_killed_mid_way_changes_nothing(province, tmp_path, monkeypatch, capfd):
    source, _ = province
    data_dir = tmp_path / "killed"
    shutil.copytree(source, data_dir, symlinks=True)
    before = published_bytes(data_dir)
    # two counties changed, one for each worker process; the third has nothing to build
    changed = list(COUNTIES)[:2]
    for code in changed:
        write_requests(data_dir / "raw" / code / "requests" / "新增.csv", "Z", 1)
    proc = cli(data_dir, "build", "--jobs", "2", "--no-notebooks", "--no-pack",
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = data_dir / "marts" / ".staging"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not any(staging.glob("*/*.duckdb")):
        assert proc.poll() is None, "the build ended before its staging file appeared"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert published_bytes(data_dir) == before
    # the next build (in this process: its start is not the subject) clears what the kill left
    code, out = cli_in_process(monkeypatch, capfd, data_dir, "build", "--jobs", "1", "--no-notebooks",
                               "--no-pack")
    assert code == 0, out
    assert not list(staging.glob("*/*"))  # the killed run's staging copies are gone
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        counts = dict(con.execute("SELECT division, count(*) FROM requests GROUP BY 1").fetchall())
    finally:
        con.close()
    assert counts == {code: 4 if code in changed else 3 for code in COUNTIES}


LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
BACKFILL_RUNS = """
query($id: String!) {
  runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
    ... on Runs { results { runId status startTime endTime tags { key value } } }
  }
}"""


def test_a_province_backfill_runs_two_counties_at_once(province, tmp_path, monkeypatch):
    """Launched through GraphQL as the UI does: a run per county, two at a time on two cores
    (three counties: the third waits), never two of one county, and every county published.
    The counties are built already (a copy of the module's province), so the file sensors,
    running from the start, launch nothing of their own beside the backfill."""
    data_dir = copy_built(province[0], tmp_path / "province")
    codes = list(COUNTIES)
    before = published_builds(data_dir)
    home = tmp_path / "home"
    home.mkdir()
    # The sensors would make the counties partitions on their first tick, but the daemon
    # starts only after the backfill is launched: the instance learns them here.
    use_project_instance(home)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        ensure_partitions(instance, codes)
    # The webserver takes the backfill; the daemon, started after it as a deployment's own
    # service, picks it up on its first pass (it looks for new backfills every 30 s).
    with dagster_webserver(home, data_dir, "2018-12-31") as url:
        marts = [{"path": list(k.path)} for k in marts_asset_keys()]
        params = {"partitionNames": codes, "title": "全省重建", "assetSelection": marts}
        launched = graphql(url, LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        with dagster_daemon(home, data_dir, "2018-12-31") as daemon_log:

            def finished():
                runs = graphql(url, BACKFILL_RUNS, {"id": launched["backfillId"]})["runsOrError"]["results"]
                done = [r for r in runs if r["status"] in ("SUCCESS", "FAILURE", "CANCELED")]
                failed = [r for r in done if r["status"] != "SUCCESS"]
                assert not failed, f"runs failed: {failed}; see {daemon_log}"
                return runs if len(runs) == len(codes) and len(done) == len(codes) else None

            runs = wait_for(finished, 900, "the backfill's runs to finish", step=RUN_LOOK_SECONDS)
            every_run = graphql(url, EVERY_RUN)
            assert len(every_run["runsOrError"]["results"]) == len(codes)  # no sensor run beside them
    partitions = sorted(next(t["value"] for t in r["tags"] if t["key"] == "dagster/partition") for r in runs)
    assert partitions == sorted(codes)  # one run per county
    spans = sorted((r["startTime"], r["endTime"]) for r in runs)
    # at each run's start, how many runs were going: two at once somewhere, never three
    going = [sum(1 for s, e in spans if s <= start < e) for start, _ in spans]
    assert max(going) == 2, spans
    after = published_builds(data_dir)
    assert sorted(after) == sorted(codes)
    # every county published anew, by its backfill run
    assert after == {next(t["value"] for t in r["tags"] if t["key"] == "dagster/partition"): r["runId"]
                     for r in runs}
    assert all(after[c] != before[c] for c in COUNTIES)
