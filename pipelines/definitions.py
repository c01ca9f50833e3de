"""The one Dagster code location of Gongkai: ``dagster dev -m pipelines.definitions``.

Assembles the pieces and nothing else: assets by layer, the marts resource, one job that
builds everything. Runs execute in one process because DuckDB allows one writer.
"""

from __future__ import annotations

import dagster as dg

from pipelines.annual.assets import ASSETS as ANNUAL_ASSETS
from pipelines.annual.assets import CHECKS as ANNUAL_CHECKS
from pipelines.automation import JOBS as AUTOMATION_JOBS
from pipelines.automation import SCHEDULES, SENSORS
from pipelines.ingest.assets import ASSETS as INGEST_ASSETS
from pipelines.marts.assets import ASSETS as MART_ASSETS
from pipelines.marts.checks import CHECKS as SANITY_CHECKS
from pipelines.marts.checks import GreatExpectations
from pipelines.marts.publish import ASSETS as PUBLISH_ASSETS
from pipelines.notebooks.assets import ASSETS as NOTEBOOK_ASSETS
from pipelines.pack.assets import ASSETS as PACK_ASSETS
from pipelines.plan.assets import ASSETS as PLAN_ASSETS
from pipelines.reference.assets import ASSETS as REFERENCE_ASSETS
from pipelines.resources import MartsDatabase

ALL_ASSETS = [
    *REFERENCE_ASSETS, *INGEST_ASSETS, *MART_ASSETS, *PLAN_ASSETS, *ANNUAL_ASSETS, *PUBLISH_ASSETS,
    *PACK_ASSETS,
]
ALL_CHECKS = [*SANITY_CHECKS, *ANNUAL_CHECKS]
# The analysts' notebooks, executed headless (~40 s a division): in the UI, the schedules and
# `python -m pipelines build`, but not in every test build.
NOTEBOOKS = [*NOTEBOOK_ASSETS]

build_all = dg.define_asset_job(
    "build_all",
    selection=dg.AssetSelection.all(),
    description="读取全部原始文件，重建并发布全部数据集市",
)


def make_resources(data_dir: str | None = None, as_of: str | None = None) -> dict[str, object]:
    """Resources for a data directory (None = from GONGKAI_DATA_DIR / GONGKAI_AS_OF)."""
    return {"marts_db": MartsDatabase(data_dir=data_dir, as_of=as_of),
            "great_expectations": GreatExpectations()}


defs = dg.Definitions(
    assets=[*ALL_ASSETS, *NOTEBOOKS],
    asset_checks=ALL_CHECKS,
    jobs=[build_all, *AUTOMATION_JOBS],
    schedules=SCHEDULES,
    sensors=SENSORS,
    resources=make_resources(),
    executor=dg.in_process_executor,
)
