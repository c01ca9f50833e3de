"""Checks of the plan domain: the catalogue's sanity suite (blocking) and one WARN check per
kind of target on ``plan_metrics``.

A missed target is a finding about the county, not a failure of the pipeline, so the metric
checks warn and never block; their metadata names what fell short.
"""

import dagster as dg

from pipelines.gx import suite_checks, suites_for
from pipelines.marts.checks import suite_parameters
from pipelines.plan.assets import METRICS
from pipelines.resources import MartsDatabase


def _finding(context: dg.AssetCheckExecutionContext, metric: str, rows: list[tuple]) -> dg.AssetCheckResult:
    missed = [r for r in rows if r[3] is not True]
    for code, division, year, _, _, actual, shortfalls in missed:
        context.log.warning(f"{division} {year} {code} 未达标：{actual}；{'、'.join(shortfalls[:10])}")
    return dg.AssetCheckResult(
        asset_key="plan_metrics",
        check_name=f"plan_{metric}",
        passed=not missed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "targets": len(rows),
            "missed": len(missed),
            "findings": {f"{d} {y} {code}": {"目标": target, "实际": actual, "未达标": list(short)}
                         for code, d, y, _, target, actual, short in missed},
        },
    )


# One WARN check per kind of target, all judged in one step from one read of plan_metrics.
@dg.multi_asset_check(
    name="plan_metric_checks",
    specs=[dg.AssetCheckSpec(f"plan_{m}", asset="plan_metrics", blocking=False,
                             description=f"计划指标 {m}（警告级，不阻断）") for m in METRICS],
    can_subset=True,
)
def plan_metric_checks(context: dg.AssetCheckExecutionContext, marts_db: MartsDatabase):
    """Each kind of target passes when every target of that kind is met."""
    with marts_db.connect() as con:
        rows = con.execute("SELECT metric, metric_code, division, year, passed, target, actual, shortfalls "
                           "FROM plan_metrics ORDER BY ALL").fetchall()
    selected = {key.name for key in context.selected_asset_check_keys}
    for metric in METRICS:
        if f"plan_{metric}" in selected:
            yield _finding(context, metric, [r[1:] for r in rows if r[0] == metric])


CHECKS = [suite_checks(suites_for({"plan_catalogue"}), suite_parameters, "plan_suites"), plan_metric_checks]
