"""When forms go out: a few days before each reporting month ends.

The schedule reads each division's plans, so it fires only for months a plan collects returns
for (``reporting.first_period`` … ``last_period``). The reminder list runs with the monthly
progress run, the day after the due day (``pipelines.automation.monthly_job``).
"""

from __future__ import annotations

import calendar
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.forms.assets import PERIOD_TAG, this_month
from pipelines.plan.catalogue import division_plans
from pipelines.reference.load import divisions, store_for
from pipelines.settings import Settings, load_settings

TIMEZONE = "Asia/Shanghai"
# Forms go out this many days before the month ends, so units have them when it closes.
DAYS_BEFORE_MONTH_END = 5


def collects_returns(settings: Settings, division: str, period: str) -> bool:
    """Whether a plan of the division collects monthly returns for ``period``."""
    return any(p.reporting_first_period <= period <= p.reporting_last_period
               for p in division_plans(store_for(settings), division))


forms_job = dg.define_asset_job(
    "return_forms_job",
    selection=dg.AssetSelection.assets("return_forms"),
    description="每月月底前几天：为本月有任务的单位生成预填好的进展报送表",
)


@dg.schedule(
    job=forms_job,
    cron_schedule="0 8 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=f"每天 08:00 检查：若今天是月底前第 {DAYS_BEFORE_MONTH_END} 天，为计划收报的本月生成报送表",
)
def return_forms_schedule(context: dg.ScheduleEvaluationContext):
    """Fire, per division whose plan collects this month, five days before the month ends."""
    today = context.scheduled_execution_time.astimezone(ZoneInfo(TIMEZONE)).date()
    last = calendar.monthrange(today.year, today.month)[1]
    day = last - DAYS_BEFORE_MONTH_END
    if today.day != day:
        return dg.SkipReason(f"报送表在每月月底前第 {DAYS_BEFORE_MONTH_END} 天（本月 {day} 日）生成")
    period = this_month(today)
    settings = load_settings()
    ready = [d for d in divisions(settings) if collects_returns(settings, d, period)]
    if not ready:
        return dg.SkipReason(f"没有计划在 {period} 收报进展")
    return [dg.RunRequest(run_key=f"forms:{d}:{period}", partition_key=d,
                          tags={"gongkai/trigger": "forms", PERIOD_TAG: period}) for d in ready]


SCHEDULES = [return_forms_schedule]
JOBS = [forms_job]
