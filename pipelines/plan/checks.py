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
from pipelines.vocabulary import measure_text


def _finding(context: dg.AssetCheckExecutionContext, metric: str, rows: list[tuple]) -> dg.AssetCheckResult:
    # A target is missed when it has shortfalls (or could not be measured): read from the
    # columns, never from the wording of ``actual``.
    missed = [r for r in rows if r[3] is not True]
    findings = {}
    for code, division, year, _, target_value, actual_value, actual_base, unit, count, shortfalls in missed:
        measured = measure_text(actual_value, actual_base, unit)
        target = measure_text(target_value, None, unit)
        context.log.warning(f"{division} {year} {code} 未达标：实际 {measured}，目标 {target}，"
                            f"未达标 {count if count is not None else '—'} 项；{'、'.join(shortfalls[:10])}")
        findings[f"{division} {year} {code}"] = {
            "目标": target_value, "实际": actual_value, "基数": actual_base, "单位": unit,
            "未达标项数": count, "未达标": list(shortfalls)}
    return dg.AssetCheckResult(
        asset_key="plan_metrics",
        check_name=f"plan_{metric}",
        passed=not missed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"targets": len(rows), "missed": len(missed), "findings": findings},
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
        rows = con.execute("SELECT metric, metric_code, division, year, passed, target_value, actual_value, "
                           "actual_base, value_unit, shortfall_count, shortfalls "
                           "FROM plan_metrics ORDER BY ALL").fetchall()
    selected = {key.name for key in context.selected_asset_check_keys}
    for metric in METRICS:
        if f"plan_{metric}" in selected:
            yield _finding(context, metric, [r[1:] for r in rows if r[0] == metric])


def _day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def adjusted_deadline_lines(rows) -> list[str]:
    """One Chinese line per task whose stated deadline falls before its plan's issue date."""
    lines = []
    for division, year, code, kind, event, offset, event_on, stated, judged, issued in rows:
        why = (f"{event}（{_day(event_on)}）后 {offset} 天" if kind == "after_event" else "方案所定日期")
        interval = f"印发日期后 {offset} 天" if kind == "after_event" else "印发日期"
        lines.append(f"{division} {year} 年方案任务 {code}：时限 {_day(stated)}（{why}）早于方案印发日期 "
                     f"{_day(issued)}，按{interval}（{_day(judged)}）判定，不按逾期计")
    return lines


@dg.asset_check(asset="plan_catalogue", name="plan_deadlines_after_issue", blocking=False,
                description="方案任务的时限不早于方案印发日期（警告级）：早于印发日期的时限按印发日期加同样间隔判定，"
                            "可在 events.csv 中更正事件日期")
def deadlines_after_issue(context: dg.AssetCheckExecutionContext,
                          marts_db: MartsDatabase) -> dg.AssetCheckResult:
    """WARN: name every task whose deadline, as the plan words it, falls before the plan existed."""
    with marts_db.connect() as con:
        rows = con.execute(
            "SELECT division, year, task_code, deadline_kind, event, event_offset_days, event_on, "
            "stated_due_on, judged_due_on, plan_issued_on FROM plan_tasks WHERE due_adjusted "
            "ORDER BY division, year, string_split(task_code, '.')::INTEGER[]").fetchall()
    lines = adjusted_deadline_lines(rows)
    for line in lines:
        context.log.warning(line)
    return dg.AssetCheckResult(passed=not lines, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"adjusted": len(lines), "tasks": lines})


CHECKS = [suite_checks(suites_for({"plan_catalogue"}), suite_parameters, "plan_suites"),
          deadlines_after_issue, plan_metric_checks]
