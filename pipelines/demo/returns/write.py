"""进展报送表: one workbook per unit per month, filled in the ways the county's units fill it in.

Each (unit, task) first gets a true trajectory (when work starts, when it is done, if ever);
each month's return then reports the status as of its sending date. What the pipeline should
conclude is computed from the rows it can actually load (quarantined rows and superseded
returns excluded), so the manifest's expectations match the files, not the story behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from pipelines.demo.common import (
    FIRST_YEAR,
    DemoContext,
    month_end,
    workday_on_or_after,
    workday_on_or_before,
    workdays_between,
)
from pipelines.demo.returns.defects import choose_plants
from pipelines.demo.returns.shortfalls import task_shortfalls
from pipelines.demo.returns.styles import FILENAMES, STANDARD, TITLES, Style, choose_styles
from pipelines.demo.returns.tables import new_table, task_row
from pipelines.demo.returns.trajectories import (
    draw_trajectory,
    follow_deadline,
    leave_some_undone,
    load_events,
    status_at,
    task_deadline,
)
from pipelines.demo.scenario import Scenario
from pipelines.demo.writers import write_file

SOURCE = "returns"
UNKNOWN_UNIT = "县老干部局"


@dataclass
class Outcome:
    """What the returns module tells the manifest."""

    shortfalls: dict = field(default_factory=dict)
    late_returns: list[dict] = field(default_factory=list)
    missing_returns: list[dict] = field(default_factory=list)


def _sent_on(ctx: DemoContext, period_end: date, due: date) -> date:
    days = workdays_between(due.replace(day=1), due)
    if not days:
        # The October national-day week leaves no working day before the 5th: units send
        # their September return on the adjusted working days before the holiday.
        days = workdays_between(period_end - timedelta(days=2), period_end)
    return ctx.rng.choice(days)


def write_returns(ctx: DemoContext, scenario: Scenario, reference_dir) -> Outcome:
    """Write every monthly return of the year's plan and record supersessions, late and missing
    returns (the year's, in the returned shortfalls)."""
    rng = ctx.rng
    plan = ctx.plan
    events = load_events(ctx, reference_dir)
    periods = _periods(plan.reporting_first_period, plan.reporting_last_period)
    first_day = date(int(periods[0][:4]), int(periods[0][5:]), 1)
    last_day = month_end(int(periods[-1][:4]), int(periods[-1][5:]))
    unit_tasks = {u: [t for t in plan.tasks if u in t.responsible_units] for u in scenario.units}
    units = [u for u in scenario.units if unit_tasks[u]]
    styles = choose_styles(ctx, units)
    deadlines = {t.code: task_deadline(t, events, plan.issued_on) for t in plan.tasks}
    trajs = {
        (u, t.code): draw_trajectory(ctx, t, u, deadlines[t.code].stated_on, first_day, last_day)
        for u in units for t in unit_tasks[u]
    }
    for (_, code), traj in trajs.items():
        follow_deadline(traj, deadlines[code])
    leave_some_undone(ctx, trajs)

    def due_of(period: str) -> date:
        y, m = int(period[:4]), int(period[5:])
        return date(y + m // 12, m % 12 + 1, plan.reporting_due_day)

    sent = {(u, p): _sent_on(ctx, month_end(int(p[:4]), int(p[5:])), due_of(p))
            for u in units for p in periods}
    townships = [u for u in units if u in scenario.townships]
    missing = (rng.choice(townships or units), periods[2])
    late_unit = rng.choice([u for u in units if u != missing[0]])
    late = (late_unit, periods[3])
    sent[late] = workday_on_or_after(due_of(late[1]) + timedelta(days=rng.randint(8, 14)))
    last_period = periods[-1]
    # The resubmitted return corrects a task finished in the last month: the first version
    # still says 推进中, so loading the wrong version would change the task's final state.
    candidates = [
        (u, code) for (u, code), tr in trajs.items()
        if u not in (missing[0], late_unit) and tr.done_on and not tr.not_applicable
        and tr.done_on.strftime("%Y-%m") == last_period
        and tr.done_on <= sent[(u, last_period)]
    ]
    resub_unit, resub_code = rng.choice(candidates)
    on_time_days = workdays_between(due_of(last_period).replace(day=1), due_of(last_period))
    resub_first = on_time_days[0]
    sent[(resub_unit, last_period)] = rng.choice(on_time_days[1:])

    plants = choose_plants(ctx, units, unit_tasks, trajs, sent, periods,
                            exclude={missing[0], late_unit, resub_unit})
    last_written: dict[tuple[str, str], tuple] = {}
    for unit in units:
        for index, period in enumerate(periods):
            if (unit, period) == missing:
                continue
            y, m = int(period[:4]), int(period[5:])
            # A unit renamed by the 2019 reform signs the months after it with its new name.
            renamed = ctx.written(unit, date(y, m, 1))
            style = styles[unit] if renamed == unit else replace(styles[unit], written_name=renamed)
            cutoff = min(month_end(y, m), sent[(unit, period)])
            table = new_table(style, period, sent[(unit, period)])
            changed_row = None
            for task in unit_tasks[unit]:
                key = (unit, task.code)
                truth = status_at(trajs[key], cutoff)
                plant = plants.get((unit, period, task.code))
                if (index and plant is None and truth == last_written.get(key)
                        and (unit, task.code) != (resub_unit, resub_code)
                        and rng.random() < style.omit_rate):
                    continue
                row = task_row(ctx, style, task, truth, len(table.rows) + 1)
                defects = {}
                if plant:
                    column, code, value = plant
                    row[column] = value
                    defects = {column: code}
                row_index = table.add(row, defects)
                if (unit, period, task.code) == (resub_unit, last_period, resub_code):
                    changed_row = row_index
                if not defects:
                    last_written[key] = truth
            extra = plants.get((unit, period, "extra"))
            if extra:
                row = task_row(ctx, style, None, ("推进中", None, None, None), len(table.rows) + 1)
                row["任务编号"] = extra[2]
                table.add(row, {extra[0]: extra[1]})
            name = _folder(ctx) + style.filename.format(unit=style.written_name, y=y, m=m, period=period)
            if (unit, period) == (resub_unit, last_period):
                first = new_table(style, period, resub_first)
                first.rows = [dict(r) for r in table.rows]
                first.rows[changed_row].update(
                    task_row(ctx, style, None, ("推进中", None, None, None), changed_row + 1,
                             keep=first.rows[changed_row]))
                old = write_file(ctx, SOURCE, f"{name}.xlsx", [first],
                                 sent_at=_at(resub_first, 10), superseded_rows=len(first.rows))
                new = write_file(ctx, SOURCE, f"{name}（更正版）.xlsx", [table],
                                 sent_at=_at(sent[(unit, period)], 16))
                ctx.manifest["supersessions"].append({
                    "kind": "resubmitted_return", "source": SOURCE, "unit": unit,
                    "period": period, "superseded_file": old, "by_file": new,
                    "task": resub_code, "first_status": "推进中",
                    "final_status": trajs[(unit, resub_code)].done_word,
                    "superseded_rows": len(first.rows),
                })
            else:
                write_file(ctx, SOURCE, f"{name}.xlsx", [table],
                           sent_at=_at(sent[(unit, period)], 9 + index))
    _write_unknown_unit_return(ctx, unit_tasks, scenario, periods[4], due_of(periods[4]))

    return Outcome(
        shortfalls=task_shortfalls(unit_tasks, trajs, last_written, units),
        late_returns=[{"unit": late[0], "period": late[1], "submitted_on": sent[late].isoformat(),
                       "due_on": due_of(late[1]).isoformat()}],
        missing_returns=[{"unit": missing[0], "period": missing[1],
                          "due_on": due_of(missing[1]).isoformat()}])


def _folder(ctx: DemoContext) -> str:
    # The office files later years' returns in a folder per year: some units' file names
    # carry only the month, and would meet last year's.
    return "" if ctx.year == FIRST_YEAR else f"{ctx.year}年/"


def _periods(first: str, last: str) -> list[str]:
    out, (y, m) = [], (int(first[:4]), int(first[5:]))
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, min(hour, 17), 30)


def _write_unknown_unit_return(ctx, unit_tasks, scenario, period, due) -> None:
    """A return from a unit the registry does not know: the pipeline must refuse the file."""
    template = next(u for u in scenario.departments if u in unit_tasks and unit_tasks[u])
    style = Style(written_name=UNKNOWN_UNIT, columns=list(STANDARD), labels={}, pairs=False,
                  colon="：", blank_row=False, date_style="cn", sent_style="cn",
                  period_style="cn", code_style="num", words={}, sheet="Sheet1",
                  title=TITLES[2], filename=FILENAMES[0], omit_rate=0.0)
    sent_on = due - timedelta(days=3)
    table = new_table(style, period, sent_on)
    for task in unit_tasks[template]:
        word = ctx.rng.choice(["推进中", "推进中", "已完成"])
        done = workday_on_or_before(sent_on - timedelta(days=ctx.rng.randint(5, 60)))
        status = (word, done if word == "已完成" else None, None, None)
        table.add(task_row(ctx, style, task, status, len(table.rows) + 1))
    table.cell_defects.append((2, 1, "报送单位", "unknown_unit", UNKNOWN_UNIT))
    y, m = int(period[:4]), int(period[5:])
    write_file(ctx, SOURCE, f"{_folder(ctx)}{UNKNOWN_UNIT}{y}年{m}月政务公开进展报送表.xlsx", [table],
               sent_at=_at(sent_on, 11), rejected="unknown_unit")
