"""The bad cells planted in the returns."""

from __future__ import annotations

from pipelines.demo.common import month_end
from pipelines.demo.returns.trajectories import DONE, status_at


def choose_plants(ctx, units, unit_tasks, trajs, sent, periods, exclude) -> dict:
    """Bad cells to plant, keyed by (unit, period, task code or "extra").

    Only in months followed by another return from the same unit, so a quarantined row is
    reported again correctly and the year-end picture stays as the trajectories say.
    """
    rng = ctx.rng
    pool = [u for u in units if u not in exclude]
    plants: dict = {}

    def pick(period_range, want):
        options = []
        for unit in pool:
            for period in period_range:
                y, m = int(period[:4]), int(period[5:])
                cutoff = min(month_end(y, m), sent[(unit, period)])
                for task in unit_tasks[unit]:
                    status = status_at(trajs[(unit, task.code)], cutoff)
                    if want(status, trajs[(unit, task.code)], period) and not any(
                            k[0] == unit and k[1] == period for k in plants):
                        options.append((unit, period, task.code))
        return rng.choice(options)

    plants[pick(periods[1:4], lambda s, tr, p: s[0] == "推进中")] = (
        "进展状态", "unknown_status", "基本完成")
    year, first_month = int(periods[0][:4]), int(periods[0][5:])
    plants[pick(periods[1:5], lambda s, tr, p: s[0] in DONE
                and tr.done_on.strftime("%Y-%m") == p)] = ("完成日期", "bad_date", f"{year}年13月5日")
    plants[pick(periods[:1], lambda s, tr, p: s[0] in DONE and tr.done_on.month == first_month)] = (
        "完成日期", "bad_date", f"{first_month}月底")
    unit = rng.choice([u for u in pool if not any(k[0] == u for k in plants)])
    plants[(unit, rng.choice(periods[2:5]), "extra")] = ("任务编号", "unknown_task_code", "9.9.9")
    return plants
