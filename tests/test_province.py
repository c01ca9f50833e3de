"""Cost that follows the change, from one county to many: the parse cache, a year's outputs
left alone when another year changes, divisions building side by side, publishing one county
under readers, and a parallel build killed mid-way."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import DIVISION, build, copy_built, return_rows, write_xlsx
from dagster_dev import dagster_dev, graphql, wait_for
from province import add_county, cli, published_builds, published_bytes, run_cli, write_requests

from pipelines.definitions import defs
from pipelines.marts.diff import diff_databases
from pipelines.pack import assets as pack_assets
from pipelines.partitions import ensure_partitions

COUNTIES = {"659001": "甲县", "659002": "乙县", "659003": "丙县"}
HISTORY_TABLES = ("figure_publications", "annual_report_history", "plan_metrics_history",
                  "annual_report_sources_history")


def materializations(result) -> dict[str, dict]:
    """Metadata of each asset materialized in a run, by asset name."""
    return {e.asset_key.path[-1]: {k: v.value for k, v in e.materialization.metadata.items()}
            for e in result.get_asset_materialization_events()}


def test_only_new_files_are_parsed_and_the_marts_are_those_of_a_cold_build(data_dir, tmp_path):
    returns = data_dir / "raw" / DIVISION / "returns"
    for unit in ("县财政局", "县教育局"):
        write_xlsx(returns / f"{unit}.xlsx", return_rows(unit, "2018-07", "2018-08-03",
                                                         [["1.1.1", "x", "推进中", None, None, None, None]]))
    first = materializations(build(data_dir))
    assert (first["stg_returns"]["files_parsed"], first["stg_returns"]["files_cached"]) == (2, 0)
    write_xlsx(returns / "县公安局.xlsx", return_rows("县公安局", "2018-07", "2018-08-04",
                                                  [["1.1.1", "x", "已完成", "2018-07-30", None, None, None]]))
    second = materializations(build(data_dir))
    assert (second["stg_returns"]["files_parsed"], second["stg_returns"]["files_cached"]) == (1, 2)
    assert second["stg_returns"]["parsed"] == [f"raw/{DIVISION}/returns/县公安局.xlsx"]
    assert second["stg_requests"]["files_parsed"] == 0

    # The same three files built cold elsewhere give the same marts, row for row.
    cold = tmp_path / "cold"
    shutil.copytree(data_dir / "raw", cold / "raw")
    shutil.copy(data_dir / ".gongkai-secret", cold / ".gongkai-secret")
    build(cold)
    # The history of published figures is not the marts: a warm division has published twice.
    diffs = diff_databases(data_dir / "marts" / "divisions" / f"{DIVISION}.duckdb",
                           cold / "marts" / "divisions" / f"{DIVISION}.duckdb",
                           ignore_columns=("built_at", "build_id"), ignore_tables=HISTORY_TABLES)
    assert diffs == [], "\n".join(map(str, diffs))

    # What the parse depends on changed (the unit registry): every file is parsed again.
    reference = data_dir / "reference" / DIVISION
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "reference" / DIVISION, reference)
    with (reference / "units.csv").open("a", encoding="utf-8") as fh:
        fh.write("县新设局,部门,\n")
    third = materializations(build(data_dir))
    assert (third["stg_returns"]["files_parsed"], third["stg_returns"]["files_cached"]) == (3, 0)


def test_a_later_year_leaves_the_earlier_years_outputs_untouched(data_dir, monkeypatch):
    # The pack's own outputs are the subject, not its PNGs (test_pack draws those): no browser.
    monkeypatch.setattr(pack_assets.BROWSER, "get", lambda: (None, "本测试不画 PNG 图表"))
    write_requests(data_dir / "raw" / DIVISION / "requests" / "2018台账.csv", DIVISION, 4, 2018)
    write_requests(data_dir / "raw" / DIVISION / "requests" / "2019台账.csv", DIVISION, 2, 2019)
    build(data_dir, as_of="2019-12-31", pack=True)
    reports = data_dir / "marts" / "reports" / DIVISION
    files_2018 = {p: (p.stat().st_mtime_ns, p.read_bytes())
                  for p in (reports / "2018").rglob("*") if p.is_file()}
    page_2019 = (reports / "2019" / "report.html").read_text(encoding="utf-8")
    assert {p.name for p in files_2018} >= {"annual-report.xlsx", "annual-report.docx", "report.html"}

    # A 2019 return (its file is listed in return_files, a table of every year's files) and
    # more 2019 requests: 2018's pages read neither.
    write_xlsx(data_dir / "raw" / DIVISION / "returns" / "2019-07-县财政局.xlsx",
               return_rows("县财政局", "2019-07", "2019-08-02",
                           [["1.1.1", "x", "推进中", None, None, None, None]]))
    write_requests(data_dir / "raw" / DIVISION / "requests" / "2019补充台账.csv", "X", 3, 2019)
    result = build(data_dir, as_of="2019-12-31", pack=True)
    pack = materializations(result)["leaders_pack"]
    assert pack["unchanged_years"] == [2018]
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files_2018} == files_2018
    assert (reports / "2019" / "report.html").read_text(encoding="utf-8") != page_2019


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


def test_publishing_one_county_under_readers_of_the_province(province, tmp_path):
    source, _ = province
    data_dir = copy_built(source, tmp_path / "readers")
    before = published_builds(data_dir)
    errors: list[str] = []
    reads = [0]
    stop = threading.Event()

    def read() -> None:
        # An analyst with both files open, querying again and again while a county publishes.
        province_con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
        county_con = duckdb.connect(str(data_dir / "marts" / "divisions" / "659002.duckdb"), read_only=True)
        try:
            while not stop.is_set():
                try:
                    total = province_con.execute("SELECT count(*) FROM requests").fetchall()[0][0]
                    own = county_con.execute("SELECT count(*) FROM requests").fetchall()[0][0]
                    assert total >= 9 and own == 3, (total, own)
                    reads[0] += 1
                except Exception as exc:  # noqa: BLE001 - every failure is the test's finding
                    errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.05)
        finally:
            province_con.close()
            county_con.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        write_requests(data_dir / "raw" / "659002" / "requests" / "补充.csv", "Y", 2)
        run_cli(data_dir, "build", "--division", "659002", "--no-notebooks", "--no-pack")
    finally:
        stop.set()
        reader.join()
    assert errors == [] and reads[0] > 10
    after = published_builds(data_dir)
    assert after["659002"] != before["659002"]
    others = [d for d in COUNTIES if d != "659002"]
    assert [after[d] for d in others] == [before[d] for d in others]


def test_a_parallel_build_killed_mid_way_changes_nothing(province, tmp_path):
    source, _ = province
    data_dir = tmp_path / "killed"
    shutil.copytree(source, data_dir, symlinks=True)
    before = published_bytes(data_dir)
    for code in COUNTIES:
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
    run_cli(data_dir, "build", "--jobs", "2", "--no-notebooks", "--no-pack")
    assert not list(staging.glob("*/*"))  # the killed run's staging copies are gone
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        counts = dict(con.execute("SELECT division, count(*) FROM requests GROUP BY 1").fetchall())
    finally:
        con.close()
    assert counts == dict.fromkeys(COUNTIES, 4)


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
    """Launched through GraphQL as the UI does: a run per county, two at a time on two cores,
    never two of one county, and every county published."""
    source, _ = province
    data_dir = tmp_path / "backfill"
    shutil.copytree(source, data_dir, symlinks=True)
    add_county(data_dir, "659004", "丁县")  # a county the province has not built yet
    codes = [*COUNTIES, "659004"]
    before = published_builds(data_dir)
    marts = (dg.AssetSelection.all() - dg.AssetSelection.groups("reports", "notebooks", "forms")
             ).resolve(defs.resolve_asset_graph())
    home = tmp_path / "home"
    home.mkdir()
    # The instance learns the counties as the sensors would teach it on their first files.
    shutil.copy(Path(__file__).resolve().parents[1] / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        ensure_partitions(instance, codes)
    with dagster_dev(home, data_dir, "2018-12-31") as (url, _):
        launched = graphql(url, LAUNCH_BACKFILL, {"params": {
            "partitionNames": codes, "title": "全省重建",
            "assetSelection": [{"path": list(k.path)} for k in sorted(marts)]}})["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched

        def finished():
            runs = graphql(url, BACKFILL_RUNS, {"id": launched["backfillId"]})["runsOrError"]["results"]
            done = [r for r in runs if r["status"] in ("SUCCESS", "FAILURE", "CANCELED")]
            failed = [r for r in done if r["status"] != "SUCCESS"]
            assert not failed, f"runs failed: {failed}; see {home / 'dev.log'}"
            return runs if len(runs) == len(codes) and len(done) == len(codes) else None

        runs = wait_for(finished, 900, "the backfill's runs to finish", step=3)
    partitions = sorted(next(t["value"] for t in r["tags"] if t["key"] == "dagster/partition") for r in runs)
    assert partitions == sorted(codes)  # one run per county
    spans = sorted((r["startTime"], r["endTime"]) for r in runs)
    # at each run's start, how many runs were going: two at once somewhere, never three
    going = [sum(1 for s, e in spans if s <= start < e) for start, _ in spans]
    assert max(going) == 2, spans
    after = published_builds(data_dir)
    assert sorted(after) == sorted(codes)
    assert all(after[c] != before[c] for c in COUNTIES)  # every county published anew
