"""The last step of every build: publish the staging database as ``marts/gongkai.duckdb``."""

import dagster as dg

from pipelines.annual.assets import ASSETS as ANNUAL_ASSETS
from pipelines.db import count_rows
from pipelines.ingest.assets import ASSETS as INGEST_ASSETS
from pipelines.marts.assets import MART_ASSETS
from pipelines.partitions import DIVISIONS
from pipelines.plan.assets import ASSETS as PLAN_ASSETS
from pipelines.reference.assets import ASSETS as REFERENCE_ASSETS
from pipelines.resources import MartsDatabase


@dg.asset(group_name="publish", kinds={"duckdb"}, partitions_def=DIVISIONS,
          deps=[*REFERENCE_ASSETS, *INGEST_ASSETS, *MART_ASSETS, *PLAN_ASSETS, *ANNUAL_ASSETS],
          description="把本次构建的暂存库原子地替换为 marts/gongkai.duckdb（读者不受影响）")
def gongkai_marts(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
    """Publish the staging database as ``marts/gongkai.duckdb``."""
    with marts_db.connect() as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1").fetchall()]
        tables = {t: count_rows(con, t) for t in names}
    path = marts_db.publish()
    context.log.info(f"数据集市已发布：{path}")
    return dg.MaterializeResult(metadata={"path": str(path), **{f"rows.{t}": n for t, n in tables.items()}})


ASSETS = [gongkai_marts]
