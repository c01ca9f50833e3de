"""What truly happens to each (unit, task) during the year, and the status a return sent on
a given day reports from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pipelines.demo.common import (
    DemoContext,
    page_link,
    workday_on_or_before,
    workdays_between,
)
from pipelines.plan.catalogue import Deadline, Task, judged_deadline
from pipelines.reference.load import read_csv_rows

DONE = ("已完成", "长期坚持")
MIN_OVERDUE = 4


@dataclass
class Trajectory:
    """What truly happens to one task in one unit during the year."""

    start: date | None
    done_on: date | None
    done_word: str
    not_applicable: bool = False
    link: str | None = None
    quantity: int | None = None
    due: date | None = None


def task_deadline(task: Task, events: dict[str, date], issued_on: date | None) -> Deadline:
    """The task's deadline as the plan states it and as the pipeline judges it
    (``plan.catalogue.judged_deadline``: moved after the plan's issue date if before it)."""
    return judged_deadline(task, issued_on, events.get(task.event) if task.event else None)


def follow_deadline(traj: Trajectory, deadline: Deadline) -> None:
    """Move a trajectory drawn against the stated deadline to the judged one: a unit works to the
    deadline it can meet (1.4 of 2018: "5 days after the sessions" of January, for a plan of June),
    as early or as late relative to it as it was drawn."""
    traj.due = deadline.due_on
    if not deadline.adjusted or traj.done_on is None:
        return
    old = traj.done_on
    traj.done_on = workday_on_or_before(old + (deadline.due_on - deadline.stated_on))
    if traj.link:
        traj.link = traj.link.replace(f"/{old:%Y%m}/t{old:%Y%m%d}_",
                                      f"/{traj.done_on:%Y%m}/t{traj.done_on:%Y%m%d}_")


def load_events(ctx: DemoContext, reference_dir: Path) -> dict[str, date]:
    """Calendar events of the plan year from ``events.csv`` (e.g. 两会闭幕)."""
    path = reference_dir / "events.csv"
    if not path.exists():
        return {}
    return {
        row["event"]: date.fromisoformat(row["date"])
        for row in read_csv_rows(path)
        if row.get("year") == str(ctx.plan.year)
    }


def draw_trajectory(ctx: DemoContext, task: Task, unit: str, due: date | None,
                    first: date, last: date) -> Trajectory:
    """When the unit starts and finishes the task (if ever), its evidence link and quantity."""
    rng = ctx.rng
    word = "长期坚持" if (task.ongoing and rng.random() < 0.8) or (
        task.deadline_kind == "none" and rng.random() < 0.6) else "已完成"
    traj = Trajectory(start=first, done_on=None, done_word=word, due=due)
    if "按照工作职能" in task.text and unit not in task.lead_units and rng.random() < 0.03:
        traj.not_applicable = True
        return traj
    r = rng.random()
    if due is not None:
        if r < 0.015:
            traj.start = None if rng.random() < 0.4 else first + timedelta(days=rng.randint(20, 90))
        elif r < 0.075:
            done = min(due + timedelta(days=rng.randint(6, 45)),
                       last - timedelta(days=rng.randint(3, 20)))
            traj.done_on = workday_on_or_before(done)
        else:
            window = 4 if task.deadline_kind == "after_event" else 30
            # The plan was issued in June: nothing of it is done before then.
            lo = due - timedelta(days=window) if task.deadline_kind == "after_event" else max(
                due - timedelta(days=window), first)
            window = (due - lo).days
            done = workday_on_or_before(lo + timedelta(days=rng.randint(0, window)))
            traj.done_on = max(done, lo)
    elif r < 0.45:
        traj.done_on = rng.choice(workdays_between(first + timedelta(days=31), date(first.year, 12, 20)))
    if traj.done_on and traj.done_on > first and rng.random() < 0.3:
        span = (traj.done_on - first).days
        traj.start = first + timedelta(days=rng.randint(0, span))
    if traj.done_on:
        traj.link = None if rng.random() < 0.04 else page_link(
            ctx.registry, unit, traj.done_on, rng)
        traj.quantity = rng.randint(1, 40) if rng.random() < 0.5 else None
    return traj


def status_at(traj: Trajectory, cutoff: date) -> tuple:
    """(status word, done on, link, quantity) as a return reporting up to ``cutoff`` says."""
    if traj.not_applicable:
        return ("不适用", None, None, None)
    if traj.done_on and traj.done_on <= cutoff:
        return (traj.done_word, traj.done_on, traj.link, traj.quantity)
    if traj.start and traj.start <= cutoff:
        return ("推进中", None, None, None)
    return ("未启动", None, None, None)


def leave_some_undone(ctx: DemoContext, trajs: dict[tuple[str, str], Trajectory]) -> None:
    """Undo completed tasks until at least ``MIN_OVERDUE`` dated tasks stay open at year end."""
    # Every seed leaves a few tasks undone, so the overdue check has work to do.
    undone = [k for k, tr in trajs.items() if tr.due and not tr.done_on and not tr.not_applicable]
    dated = [k for k, tr in trajs.items() if tr.due and tr.done_on and not tr.not_applicable]
    for key in ctx.rng.sample(dated, max(0, MIN_OVERDUE - len(undone))):
        trajs[key].done_on = trajs[key].link = trajs[key].quantity = None
