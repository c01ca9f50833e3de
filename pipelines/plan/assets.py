"""``plan_metrics``: the plan's own quantitative targets, measured, with WARN asset checks.

Targets are data (the plan catalogue's ``targets`` and ``plan_targets``); the rule that
measures each kind of target is one SQL file in ``metrics/<metric>.sql``. A missed target is
a finding about the county, not a failure of the pipeline, so these checks warn and never
block. A target whose kind has no rule yet shows up as a row with ``passed`` NULL.
"""

import dagster as dg

from pipelines.db import SqlFolder
from pipelines.marts.assets import MARTS_BY_NAME
from pipelines.reference.assets import plan_catalogue, unit_registry
from pipelines.resources import MartsDatabase

SQL = SqlFolder(__file__)
GROUP = "plan"


def metric_names() -> list[str]:
    """Kinds of target the project can measure (one SQL rule each)."""
    return [name.split("/", 1)[1] for name in SQL.names("metrics")]


def plan_metrics_sql(names: list[str]) -> str:
    """The model of ``plan_metrics``: every rule's rows, plus unmeasurable targets."""
    parts = [SQL.render(f"metrics/{n}") for n in names]
    known = ", ".join(f"'{n}'" for n in names)
    unmeasured = f"""
        SELECT division, year, task_code, metric, description, NULL AS target,
               '无此类指标的计算规则（pipelines/plan/sql/metrics/' || metric || '.sql）' AS actual,
               NULL::DOUBLE AS actual_value, NULL::BOOLEAN AS passed,
               []::VARCHAR[] AS shortfalls, []::VARCHAR[] AS evidence
        FROM plan_targets WHERE metric NOT IN ({known})"""
    union = "\nUNION ALL BY NAME\n".join(f"({p})" for p in [*parts, unmeasured])
    return f"""CREATE OR REPLACE TABLE plan_metrics AS
        SELECT division, year, coalesce(task_code || '/', '') || metric AS metric_code, task_code,
               metric, description, target, actual, actual_value, passed, shortfalls, evidence
        FROM ({union})
        ORDER BY division, year, task_code IS NULL,
                 string_split(task_code, '.')::INTEGER[], metric"""


METRICS = metric_names()
SPECS = [
    dg.AssetCheckSpec(f"plan_{m}", asset="plan_metrics", description=f"计划指标 {m}（警告级，不阻断）")
    for m in METRICS
]


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    deps=[
        plan_catalogue,
        unit_registry,
        *(
            MARTS_BY_NAME[n]
            for n in (
                "task_status",
                "return_submissions",
                "disclosures",
                "disclosure_channels",
                "requests",
                "activities",
            )
        ),
    ],
    check_specs=SPECS,
    description="计划量化指标的实测：目标、实际、是否达标，以及未达标的单位、任务或信息",
)
def plan_metrics(context: dg.AssetExecutionContext, marts_db: MartsDatabase):
    """Measure every target of every plan; one WARN check per kind of target."""
    with marts_db.connect() as con:
        SQL.run(con, "target_units")
        con.execute(plan_metrics_sql(METRICS))
        rows = con.execute(
            "SELECT metric, metric_code, division, year, passed, target, actual, shortfalls FROM plan_metrics"
        ).fetchall()
    yield dg.MaterializeResult(
        metadata={
            "targets": len(rows),
            "passed": sum(1 for r in rows if r[4]),
            "missed": sum(1 for r in rows if r[4] is False),
        }
    )
    for metric in METRICS:
        mine = [r for r in rows if r[0] == metric]
        missed = [r for r in mine if r[4] is not True]
        for r in missed:
            context.log.warning(f"{r[2]} {r[3]} {r[1]} 未达标：{r[6]}；{'、'.join(r[7][:10])}")
        yield dg.AssetCheckResult(
            check_name=f"plan_{metric}",
            passed=not missed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "targets": len(mine),
                "missed": len(missed),
                "findings": {
                    f"{r[2]} {r[3]} {r[1]}": {"目标": r[5], "实际": r[6], "未达标": list(r[7])}
                    for r in missed
                },
            },
        )


ASSETS = [plan_metrics]
