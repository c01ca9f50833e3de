"""The forms domain in Dagster: ``return_forms`` and ``return_reminders``, per division.

Both read the published marts (below ``gongkai_marts``) and write files for people, so they
sit in their own group, ``forms``, which the file sensors leave out. The period comes from the
run's ``gongkai/period`` tag (the schedules set it); without one, ``return_forms`` makes the
forms of the month of ``GONGKAI_AS_OF`` and ``return_reminders`` lists the month before it. A
period no plan covers, or not yet due in the marts, is reported in the metadata, not as a
failure, so a full build at any date succeeds.
"""

from datetime import date

import dagster as dg
import pandas as pd

from pipelines.forms.build import write_forms
from pipelines.forms.model import NoPlanForPeriod
from pipelines.forms.periods import parse_period, period_label, previous_period
from pipelines.forms.reminder_xlsx import write_reminders
from pipelines.forms.reminders import PeriodNotDue
from pipelines.partitions import DIVISIONS, division_of
from pipelines.resources import MartsDatabase

GROUP = "forms"
PERIOD_TAG = "gongkai/period"


def this_month(day: date) -> str:
    """``YYYY-MM`` of ``day``."""
    return f"{day.year}-{day.month:02d}"


def run_period(context: dg.AssetExecutionContext, default: str) -> str:
    """The run's ``gongkai/period`` tag, else ``default``."""
    tag = context.run.tags.get(PERIOD_TAG) if context.run else None
    return parse_period(tag) if tag else default


def reminder_table(frame: pd.DataFrame) -> str:
    """The reminder list as a Markdown table for the UI."""
    if frame.empty:
        return "全部单位均已按时报送，且报送表全部导入，无需催报。"
    lines = ["| 单位 | 情况 | 原因（电话告知） |", "|---|---|---|"]
    lines += [f"| {r.unit} | {r.problem_label} | {r.reason.replace('|', '｜')} |"
              for r in frame.itertuples(index=False)]
    return "\n".join(lines)


@dg.asset(
    group_name=GROUP,
    kinds={"excel"},
    partitions_def=DIVISIONS,
    deps=["gongkai_marts"],
    description="进展报送表：为本期每个有任务的单位生成一份预填好的 xlsx 报送表"
                "（marts/forms/<区划>/<期间>/），另附发放清单；期间取运行标签 gongkai/period，"
                "缺省为判定日期所在月份",
)
def return_forms(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
    """Write the forms of the run's division for the run's period."""
    settings = marts_db.settings()
    period = run_period(context, this_month(settings.as_of))
    try:
        result = write_forms(settings, division_of(context), period)
    except NoPlanForPeriod as exc:
        context.log.info(str(exc))
        return dg.MaterializeResult(metadata={"period": period, "forms": 0, "note": str(exc)})
    context.log.info(f"{period_label(period)}报送表已生成：{result.folder}（{len(result.units)} 个单位）")
    return dg.MaterializeResult(metadata={
        "period": period,
        "forms": len(result.units),
        "tasks": result.tasks,
        "folder": dg.MetadataValue.path(str(result.folder)),
        "summary": dg.MetadataValue.path(str(result.summary)),
        "units": result.units,
    })


@dg.asset(
    group_name=GROUP,
    kinds={"excel"},
    partitions_def=DIVISIONS,
    deps=["gongkai_marts"],
    description="催报清单：本期有任务的单位中未报送、逾期报送或报送表被退回的单位及原因"
                "（marts/reports/<区划>/reminders/<期间>.xlsx）；期间取运行标签 gongkai/period，缺省为上月",
)
def return_reminders(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
    """List the units to remind for the run's period, as metadata and as an xlsx."""
    settings = marts_db.settings()
    period = run_period(context, previous_period(this_month(settings.as_of)))
    try:
        result = write_reminders(settings, division_of(context), period)
    except PeriodNotDue as exc:
        context.log.info(str(exc))
        return dg.MaterializeResult(metadata={"period": period, "reminders": 0, "note": str(exc)})
    frame = result.reminders
    for r in frame.itertuples(index=False):
        context.log.info(f"催报：{r.unit}（{r.problem_label}）{r.reason}")
    return dg.MaterializeResult(metadata={
        "period": period,
        "reminders": len(frame),
        "list": dg.MetadataValue.md(reminder_table(frame)),
        **{problem: frame.loc[frame["problem"] == problem, "unit"].tolist()
           for problem in ("missing", "late", "quarantined")},
        "unidentified_files": result.unidentified["file"].tolist(),
        "path": dg.MetadataValue.path(str(result.path)),
    })


ASSETS = [return_forms, return_reminders]
