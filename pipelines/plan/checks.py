"""Checks of the plan domain: the catalogue's sanity suite (blocking) and one WARN check per
kind of target on ``plan_metrics``.

A missed target is a finding about the county, not a failure of the pipeline, so the metric
checks warn and never block; their metadata names what fell short.
"""

import dagster as dg

from pipelines.gx import suite_check, suites_for
from pipelines.marts.checks import suite_parameters
from pipelines.plan.assets import METRICS
from pipelines.resources import MartsDatabase


def metric_check(metric: str) -> dg.AssetChecksDefinition:
    """The WARN check of one kind of target: passes when every target of that kind is met."""

    @dg.asset_check(asset="plan_metrics", name=f"plan_{metric}", blocking=False,
                    description=f"计划指标 {metric}（警告级，不阻断）")
    def _check(context: dg.AssetCheckExecutionContext, marts_db: MartsDatabase) -> dg.AssetCheckResult:
        with marts_db.connect() as con:
            rows = con.execute(
                "SELECT metric_code, division, year, passed, target, actual, shortfalls FROM plan_metrics "
                "WHERE metric = $m ORDER BY ALL", {"m": metric}).fetchall()
        missed = [r for r in rows if r[3] is not True]
        for code, division, year, _, _, actual, shortfalls in missed:
            context.log.warning(f"{division} {year} {code} 未达标：{actual}；{'、'.join(shortfalls[:10])}")
        return dg.AssetCheckResult(
            passed=not missed,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "targets": len(rows),
                "missed": len(missed),
                "findings": {f"{d} {y} {code}": {"目标": target, "实际": actual, "未达标": list(short)}
                             for code, d, y, _, target, actual, short in missed},
            },
        )

    return _check


CHECKS = [*(suite_check(name, suite_parameters) for name in suites_for({"plan_catalogue"})),
          *(metric_check(m) for m in METRICS)]
