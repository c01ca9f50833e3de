"""A real `dagster dev` on localhost: the UI lists the marts in headless Chromium, and a
return dropped into the drop zone reaches the published marts with no button pressed. (Runs
launched through GraphQL, as the UI launches them: test_province.py's backfill.)"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import copy_built, return_rows, write_xlsx
from dagster_dev import EVERY_RUN, RUN_LOOK_SECONDS, graphql, no_failed_runs, wait_for
from dagster_dev import dagster_dev as running_dagster_dev
from province import published_builds
from system import require

from pipelines.notebooks.run import NOTEBOOKS
from pipelines.settings import SENSOR_INTERVAL_VARIABLE

ROOT = Path(__file__).resolve().parents[1]


def status_of(data_dir: Path, unit: str) -> str | None:
    """The unit's status in the published marts; None while nothing is published yet. Publishing
    swaps whole files, so a reader never sees a half-written mart: any error is the finding,
    raised at once (not waited out until the timeout)."""
    db = data_dir / "marts" / "gongkai.duckdb"
    if not db.exists():
        return None
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT status FROM return_rows WHERE unit = ? LIMIT 1", [unit]).fetchone()
        return row[0] if row else None
    finally:
        con.close()


@pytest.fixture(scope="module")
def dagster_dev(one_return_built, tmp_path_factory):
    """``dagster dev`` on a county already built from one return (县财政局, 1.1.1 未启动), as an
    office has it after its first build: the sensors find nothing new when they start."""
    home = tmp_path_factory.mktemp("dagster_home")
    data_dir = copy_built(one_return_built, tmp_path_factory.mktemp("ui") / "data")
    # The sensors look every 2 s, not every 15: a dropped file's wait for their next look is
    # the office's setting, not what this module tests.
    with running_dagster_dev(home, data_dir, "2018-12-31", {SENSOR_INTERVAL_VARIABLE: "2"}) as (url, port):
        yield url, port, data_dir, home


def test_asset_graph_lists_the_marts_in_chromium(dagster_dev, tmp_path):
    from playwright.sync_api import sync_playwright

    chromium = require("chromium")
    url, *_ = dagster_dev
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        page = browser.new_page(
            viewport={"width": 1400, "height": 4000}
        )  # the list renders rows in view only
        page.goto(f"{url}/assets", wait_until="networkidle", timeout=90_000)
        skip = page.get_by_role("button", name="Skip")  # Dagster's first-visit community dialog
        if skip.count():
            skip.first.click()
        names = ["task_status", "requests", "disclosures", "quarantine", "ingest_log", "gongkai_marts"]
        page.wait_for_function(
            "names => names.every(n => document.body.innerText.split(/\\s+/).includes(n))",
            arg=names,
            timeout=60_000,
        )
        assert "按时" in page.inner_text("body")  # the assets' Chinese descriptions
        page.screenshot(path=str(tmp_path / "assets.png"))
        browser.close()
    assert (tmp_path / "assets.png").stat().st_size > 10_000


PARTITION_KEYS = """
query { assetNodeOrError(assetKey: {path: ["task_status"]}) { ... on AssetNode { partitionKeys } } }"""

SUCCESSFUL_RUNS = """
query {
  runsOrError(filter: {statuses: [SUCCESS]}) {
    ... on Runs { results { runId tags { key value } } }
  }
}"""


def test_dropped_return_reaches_the_marts_unattended(dagster_dev):
    """The sensor's run: the marts, then the year's pack and notebooks, all in one run the
    daemon launched, with no button pressed."""
    url, _, data_dir, home = dagster_dev

    def finished() -> str | None:
        """The sensor's run's id once it succeeded."""
        no_failed_runs(url, home, "audit.xlsx")  # its sensor run failed: that error, not a 600 s wait
        runs = graphql(url, SUCCESSFUL_RUNS)["runsOrError"]["results"]
        return next((r["runId"] for r in runs for t in r["tags"]
                     if t["key"] == "gongkai/files" and "audit.xlsx" in t["value"]), None)

    # The county was built before this instance existed: the sensors' first tick makes it a
    # partition, launching nothing (every file is in the published marts).
    wait_for(lambda: "640521" in graphql(url, PARTITION_KEYS)["assetNodeOrError"]["partitionKeys"], 300,
             "the sensors' first tick to register the county", step=0.5)
    assert graphql(url, EVERY_RUN)["runsOrError"]["results"] == []
    write_xlsx(
        data_dir / "raw" / "640521" / "returns" / "audit.xlsx",
        return_rows(
            "县审计局",
            "2018-07",
            "2018-08-02",
            [["2.1.3", "x", "已完成", "2018-07-20", None, "http://www.znzf.gov.cn/s", None]],
        ),
    )
    run_id = wait_for(finished, 600, "the sensor's run to finish", step=RUN_LOOK_SECONDS)
    assert published_builds(data_dir) == {"640521": run_id}  # the run's own build is published
    assert status_of(data_dir, "县审计局") == "已完成"
    assert status_of(data_dir, "县财政局") == "未启动"  # the other unit's return still counts
    year = data_dir / "marts" / "reports" / "640521" / "2018"
    assert {"report.html", "annual-report.xlsx", "annual-report.docx"} <= {p.name for p in year.iterdir()}
    assert sorted(p.name for p in (year / "notebooks").glob("*.html")) == sorted(
        f"{name}.html" for name in NOTEBOOKS)
