"""The one Dagster code location of Gongkai: ``dagster dev -m pipelines.definitions``.

An assembly and nothing else: each domain's assets and checks (in the order the data flows),
the resources, the jobs, schedules and sensors. Runs execute in one process because DuckDB
allows one writer per file.
"""

from __future__ import annotations

import dagster as dg

from pipelines.annual import assets as annual_assets
from pipelines.annual import checks as annual_checks
from pipelines.automation import JOBS, SCHEDULES, SENSORS
from pipelines.forms import assets as forms_assets
from pipelines.forms import schedules as forms_schedules
from pipelines.gx import GreatExpectations
from pipelines.ingest import assets as ingest_assets
from pipelines.marts import assets as marts_assets
from pipelines.marts import checks as marts_checks
from pipelines.notebooks import assets as notebooks_assets
from pipelines.pack import assets as pack_assets
from pipelines.pack import checks as pack_checks
from pipelines.plan import assets as plan_assets
from pipelines.plan import checks as plan_checks
from pipelines.reference import assets as reference_assets
from pipelines.reference import checks as reference_checks
from pipelines.resources import MartsDatabase

# Everything up to the published marts and the leaders' pack, in the order the data flows.
ALL_ASSETS = [*reference_assets.ASSETS, *plan_assets.ASSETS, *ingest_assets.ASSETS, *marts_assets.ASSETS,
              *annual_assets.ASSETS, *pack_assets.ASSETS]
ALL_CHECKS = [*reference_checks.CHECKS, *plan_checks.CHECKS, *marts_checks.CHECKS, *annual_checks.CHECKS,
              *pack_checks.CHECKS]
# The analysts' notebooks, executed headless (~40 s a division): in the UI, the schedules and
# `python -m pipelines build`, but not in every test build.
NOTEBOOKS = notebooks_assets.ASSETS
# Forms out and the reminder list (催报清单): files for the units and the office, by schedule.
FORMS = forms_assets.ASSETS

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
    assets=[*ALL_ASSETS, *NOTEBOOKS, *FORMS],
    asset_checks=ALL_CHECKS,
    jobs=[build_all, *JOBS, *forms_schedules.JOBS],
    schedules=[*SCHEDULES, *forms_schedules.SCHEDULES],
    sensors=SENSORS,
    resources=make_resources(),
    executor=dg.in_process_executor,
)
