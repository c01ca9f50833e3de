"""``python -m pipelines forms`` and ``python -m pipelines reminders``: the clerk's commands.

Both read the published marts (``$GONGKAI_DATA_DIR/marts/gongkai.duckdb``) read-only, so they
run beside a build and never change the marts; exit status 2 when there is nothing to write
for that period (no marts yet, no plan for the month, the month not yet due).
"""

from __future__ import annotations

import argparse
import sys

from pipelines.forms.build import write_forms
from pipelines.forms.model import SUMMARY_FILE, NoPlanForPeriod
from pipelines.forms.periods import date_label, parse_period, period_label
from pipelines.forms.reminder_xlsx import write_reminders
from pipelines.forms.reminders import PeriodNotDue
from pipelines.settings import load_settings


def forms(args: argparse.Namespace) -> int:
    """Write a period's forms and print where they are."""
    try:
        period = parse_period(args.period)
        result = write_forms(load_settings(), args.division, period)
    except (ValueError, FileNotFoundError, NoPlanForPeriod) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{period_label(period)}进展报送表已生成：{result.folder}")
    print(f"  {len(result.units)} 个单位、{result.tasks} 项任务；发放清单：{SUMMARY_FILE}")
    return 0


def reminders(args: argparse.Namespace) -> int:
    """Write a period's reminder list and print it."""
    try:
        period = parse_period(args.period)
        result = write_reminders(load_settings(), args.division, period)
    except (ValueError, FileNotFoundError, PeriodNotDue) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    frame = result.reminders
    print(f"{period_label(period)}催报清单：{result.path}")
    if frame.empty:
        print("  全部单位均已按时报送，且报送表全部导入，无需催报。")
    for r in frame.itertuples(index=False):
        print(f"  {r.unit}　{r.problem_label}　{r.reason}")
    for r in result.unidentified.itertuples(index=False):
        print(f"  未识别单位的退回文件（{date_label(r.received_on)}收到）：{r.file}　{r.reason}")
    return 0
