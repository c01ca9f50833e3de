"""What goes into each unit's return form for one period, read from the published marts.

Every fact comes from a mart: the plan covering the period and its due day
(``plan_reporting``), the division's name and office (``ref_divisions``), the tasks assigned
to each unit (``plan_task_units``, ``plan_tasks``, in the plan's order) and each task's status
in the unit's last accepted return before the period (``return_rows``), carried forward so
the unit only changes what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from pipelines.db import SqlFolder
from pipelines.forms.periods import due_date, period_label, safe_file_name

SQL = SqlFolder(__file__)
SUMMARY_FILE = "报送表发放清单.xlsx"


class NoPlanForPeriod(LookupError):
    """No plan of the division has monthly returns in that period."""


@dataclass(frozen=True)
class FormRow:
    """One pre-filled task row of a unit's form."""

    task_code: str
    title: str
    deadline_kind: str
    deadline_text: str | None
    due_on: date | None
    lead: bool
    status: str | None
    completed_on: date | None
    evidence_url: str | None
    last_period: str | None


@dataclass
class UnitForm:
    """One unit's form: its canonical name, kind (部门/乡镇) and task rows."""

    unit: str
    kind: str
    rows: list[FormRow] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        """``<unit>.xlsx``."""
        return f"{safe_file_name(self.unit)}.xlsx"

    @property
    def carried(self) -> int:
        """Rows pre-filled with a status from an earlier return."""
        return sum(1 for r in self.rows if r.status)


@dataclass
class FormsBatch:
    """Every form of one division and period, with what the forms say about the plan."""

    division: str
    division_name: str
    office: str | None
    period: str
    year: int
    plan_title: str
    due_day: int
    forms: list[UnitForm]

    @property
    def due_on(self) -> date:
        """The day this period's returns are due."""
        return due_date(self.period, self.due_day)

    @property
    def period_label(self) -> str:
        """``2018年7月``."""
        return period_label(self.period)

    @property
    def title(self) -> str:
        """The title row of every form."""
        return f"{self.division_name}{self.year}年政务公开工作进展报送表"


def _value(v: object) -> object:
    if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def load_forms(con: duckdb.DuckDBPyConnection, division: str, period: str) -> FormsBatch:
    """The forms of every unit with tasks in the plan that covers ``period``."""
    plan = SQL.run(con, "plan_of_period", {"division": division, "period": period}).fetchone()
    if plan is None:
        raise NoPlanForPeriod(f"数据集市中没有 {division} 在 {period_label(period)} 报送进展的计划"
                              "（plan_reporting 的报送起止月份不含该月）")
    year, title, due_day, first_period, _last, division_name, office = plan
    rows = SQL.frame(con, "form_rows", {"division": division, "year": year, "period": period,
                                        "first_period": first_period})
    forms: dict[str, UnitForm] = {}
    for r in rows.itertuples(index=False):
        form = forms.setdefault(r.unit, UnitForm(r.unit, r.unit_kind))
        form.rows.append(FormRow(
            task_code=r.task_code, title=r.title, deadline_kind=r.deadline_kind,
            deadline_text=_value(r.deadline_text), due_on=_value(r.due_on), lead=bool(r.is_lead),
            status=_value(r.last_status), completed_on=_value(r.last_completed_on),
            evidence_url=_value(r.last_evidence_url), last_period=_value(r.last_period)))
    return FormsBatch(division, str(division_name), office, period, int(year), str(title),
                      int(due_day), list(forms.values()))
