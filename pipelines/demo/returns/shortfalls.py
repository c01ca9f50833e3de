"""What the manifest expects of the tasks: overdue, done late, done without evidence, not
applicable, judged from the last row of each (unit, task) the pipeline can load."""

from __future__ import annotations

from pipelines.demo.common import DEMO_AS_OF
from pipelines.demo.returns.trajectories import DONE


def task_shortfalls(unit_tasks, trajs, last_written, units) -> dict:
    """The manifest's task shortfalls, keyed as ``planted_shortfalls`` names them."""
    overdue, late, no_link, not_applicable = [], [], [], []
    for unit in units:
        for task in unit_tasks[unit]:
            traj = trajs[(unit, task.code)]
            word, done_on, link, _ = last_written[(unit, task.code)]
            entry = {"task": task.code, "unit": unit,
                     "due_on": traj.due.isoformat() if traj.due else None}
            if word == "不适用":
                not_applicable.append(entry)
            elif word in DONE:
                if traj.due and done_on > traj.due:
                    late.append({**entry, "completed_on": done_on.isoformat()})
                if not link:
                    no_link.append({**entry, "completed_on": done_on.isoformat()})
            elif traj.due and traj.due < DEMO_AS_OF:
                overdue.append({**entry, "last_status": word})
    return {"overdue_tasks": overdue, "tasks_done_late": late,
            "done_without_evidence": no_link, "tasks_not_applicable": not_applicable}
