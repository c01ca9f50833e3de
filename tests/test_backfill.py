"""A province backfill launched through GraphQL as the UI does, run by the Dagster daemon:
a run per county, two at a time, never two of one county."""

from __future__ import annotations

import dagster as dg
from conftest import build
from dagster_dev import (
    dagster_daemon,
    dagster_webserver,
    graphql,
    marts_asset_keys,
    use_project_instance,
    wait_for,
)
from province import COUNTIES, add_county, published_builds

from pipelines.partitions import ensure_partitions

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


def test_a_province_backfill_runs_two_counties_at_once(tmp_path, monkeypatch):
    """Launched through GraphQL as the UI does: a run per county, two at a time on two cores
    (three counties: the third waits), never two of one county, and every county published.
    The counties are built already, so the file sensors, running from the start, launch
    nothing of their own beside the backfill."""
    data_dir = tmp_path / "province"
    for code, name in COUNTIES.items():
        add_county(data_dir, code, name)
    build(data_dir)  # in this process (test_province.py builds them side by side through the CLI)
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

            runs = wait_for(finished, 900, "the backfill's runs to finish", step=2)
            every_run = graphql(url, "query { runsOrError { ... on Runs { results { runId } } } }")
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
