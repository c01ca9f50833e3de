"""进展报送表: one workbook per unit per month, filled in the ways the county's units fill it in.

Each (unit, task) first gets a true trajectory (when work starts, when it is done, if ever);
each month's return then reports the status as of its sending date. What the pipeline should
conclude is computed from the rows it can actually load (quarantined rows and superseded
returns excluded), so the manifest's expectations match the files, not the story behind them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pipelines.demo.common import (
    DATE_STYLES,
    DEMO_AS_OF,
    TEXT_DATE_STYLES,
    DemoContext,
    Table,
    fmt_date,
    month_end,
    page_link,
    weighted,
    workday_on_or_after,
    workday_on_or_before,
    workdays_between,
)
from pipelines.demo.scenario import Scenario
from pipelines.demo.writers import write_file
from pipelines.plan.catalogue import Task

SOURCE = "returns"
STANDARD = ["序号", "任务编号", "任务内容", "进展状态", "完成日期", "数量", "佐证链接", "进展说明"]
LAYOUTS = {
    "standard": STANDARD,
    "reordered": ["序号", "任务编号", "任务内容", "完成日期", "进展状态", "佐证链接", "数量",
                  "进展说明"],
    "short": ["序号", "任务编号", "任务内容", "进展状态", "完成日期", "佐证链接"],
    "bare": ["任务编号", "进展状态", "完成日期", "佐证链接", "进展说明"],
}
# Headers as some units retype them: stray spaces, ideographic spaces.
SPACED_LABELS = {"任务编号": "任务 编号", "进展状态": "进展　状态", "完成日期": " 完成日期 ",
                 "佐证链接": "佐证 链接"}
DONE = ("已完成", "长期坚持")
CN = "〇一二三四五六七八九十"
UNKNOWN_UNIT = "县老干部局"
MIN_OVERDUE = 4
NOTES = {
    "未启动": ["尚未启动，计划下月开展", "待自治区、中卫市统一部署后推进", "正在研究制定工作方案"],
    "推进中": ["已制定工作方案，正在按计划推进", "已明确专人负责，相关信息正在整理",
            "正在对照方案要求逐项梳理", "已完成部分内容，剩余工作正在推进",
            "已安排部署，按月更新相关信息", "已起草初稿，正在征求意见"],
    "已完成": ["已按要求完成，相关信息已在县政府网站公开", "已完成，相关制度已印发执行",
            "已在政府网站专栏集中公开", "已完成并报县政府办公室备案"],
    "长期坚持": ["已常态化开展，按月更新", "已建立长效机制，长期坚持", "已完成并持续更新"],
    "不适用": ["本单位无此项职能", "本单位不涉及此项工作"],
}
TITLES = [
    "中宁县2018年政务公开工作进展报送表",
    "中宁县政务公开“整体提升年”活动任务进展报送表（{y}年{m}月）",
    "{unit}{y}年{m}月政务公开工作进展情况报送表",
]
FILENAMES = [
    "{unit}{y}年{m}月政务公开进展报送表",
    "{period}-{unit}-进展报送",
    "附件：{unit}政务公开工作进展情况（{m}月）",
]


@dataclass
class Style:
    """How one unit fills in its return, kept the same month after month."""

    written_name: str
    columns: list[str]
    labels: dict[str, str]
    pairs: bool
    colon: str
    blank_row: bool
    date_style: str
    sent_style: str
    period_style: str
    code_style: str
    words: dict[str, str]
    sheet: str
    title: str
    filename: str
    omit_rate: float


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


@dataclass
class Outcome:
    """What the returns module tells the manifest."""

    shortfalls: dict = field(default_factory=dict)


def task_due(task: Task, events: dict[str, date]) -> date | None:
    """The task's deadline: a fixed date, or its event's date plus the offset in days."""
    if task.due_on:
        return task.due_on
    if task.deadline_kind == "after_event" and task.event in events:
        return events[task.event] + timedelta(days=task.event_offset_days or 0)
    return None


def load_events(ctx: DemoContext, reference_dir) -> dict[str, date]:
    """Calendar events of the plan year from ``events.csv`` (e.g. 两会闭幕)."""
    path = reference_dir / "events.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {
            row["event"]: date.fromisoformat(row["date"])
            for row in csv.DictReader(fh)
            if row.get("year") == str(ctx.plan.year)
        }


def format_code(code: str, style: str) -> str:
    """Write a task code the way a unit does: ``1.1.3``, ``一（一）3`` or ``一(一)3.``."""
    parts = [int(p) for p in code.split(".")]
    if style == "num":
        return code
    left, right = ("（", "）") if style == "cn_full" else ("(", ")")
    text = f"{CN[parts[0]]}{left}{CN[parts[1]]}{right}"
    if len(parts) == 3:
        text += str(parts[2]) + ("." if style == "cn_half" else "")
    return text


def _spread(rng, units: list[str], guaranteed: list, otherwise: dict) -> dict[str, object]:
    """One value per unit: each guaranteed value goes to some unit, the rest drawn by weight."""
    order = rng.sample(units, len(units))
    return {u: guaranteed[i] if i < len(guaranteed) else weighted(rng, otherwise)
            for i, u in enumerate(order)}


def _styles(ctx: DemoContext, units: list[str]) -> dict[str, Style]:
    rng = ctx.rng
    alias_units = {"县发展和改革局": "县发改局", "县教育体育局": "教育体育局", "县档案局": "档案局",
                   "宁安镇": "宁安镇人民政府"}
    extra = rng.sample([u for u in units if u not in alias_units], 5)
    # Every spelling the contract allows shows up somewhere, whatever the seed.
    layout = _spread(rng, units, list(LAYOUTS), {"standard": 6, "reordered": 1, "short": 2,
                                                 "bare": 1})
    date_style = _spread(rng, units, list(DATE_STYLES), {"cn": 5, "iso": 3, "slash": 2, "dot": 1,
                                                         "compact": 1, "excel": 3, "serial": 1})
    pairs = _spread(rng, units, [True] * 5, {True: 1, False: 4})
    spaced = _spread(rng, units, [True] * 3, {True: 1, False: 7})
    blank = _spread(rng, units, [True] * 3, {True: 1, False: 4})
    colon = _spread(rng, units, [":"] * 4, {"：": 8, ":": 1})
    codes = _spread(rng, units, ["cn_full"] * 3 + ["cn_half"] * 3,
                    {"num": 15, "cn_full": 2, "cn_half": 1})
    progress = _spread(rng, units, ["进行中"] * 3, {"推进中": 7, "进行中": 1})
    done = _spread(rng, units, ["完成"] * 2 + ["已落实"] * 2, {"已完成": 10, "完成": 1, "已落实": 1})
    styles = {}
    for unit in units:
        aliases = ctx.registry.units[ctx.registry.names().index(unit)].aliases
        name = unit
        if unit in alias_units and alias_units[unit] in aliases:
            name = alias_units[unit]
        elif unit in extra and aliases:
            name = rng.choice(aliases)
        style = date_style[unit]
        styles[unit] = Style(
            written_name=name,
            columns=list(LAYOUTS[layout[unit]]),
            labels=dict(SPACED_LABELS) if spaced[unit] else {},
            pairs=pairs[unit],
            colon=colon[unit],
            blank_row=blank[unit],
            date_style=style,
            sent_style=style if pairs[unit] else (style if style in TEXT_DATE_STYLES[:3] else "cn"),
            period_style=weighted(rng, {"cn": 3, "iso": 1}),
            code_style=codes[unit],
            words={"推进中": progress[unit], "已完成": done[unit]},
            sheet=weighted(rng, {"Sheet1": 4, "进展报送表": 3, "{m}月": 1}),
            title=rng.choice(TITLES),
            filename=rng.choice(FILENAMES),
            omit_rate=rng.choice([0.0, 0.0, 0.1, 0.25]),
        )
    return styles


def _trajectory(ctx: DemoContext, task: Task, unit: str, due: date | None,
                first: date, last: date) -> Trajectory:
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
        traj.done_on = rng.choice(workdays_between(date(2018, 7, 2), date(2018, 12, 20)))
    if traj.done_on and traj.done_on > first and rng.random() < 0.3:
        span = (traj.done_on - first).days
        traj.start = first + timedelta(days=rng.randint(0, span))
    if traj.done_on:
        traj.link = None if rng.random() < 0.04 else page_link(
            ctx.registry, unit, traj.done_on, rng)
        traj.quantity = rng.randint(1, 40) if rng.random() < 0.5 else None
    return traj


def _status(traj: Trajectory, cutoff: date) -> tuple:
    if traj.not_applicable:
        return ("不适用", None, None, None)
    if traj.done_on and traj.done_on <= cutoff:
        return (traj.done_word, traj.done_on, traj.link, traj.quantity)
    if traj.start and traj.start <= cutoff:
        return ("推进中", None, None, None)
    return ("未启动", None, None, None)


def _sent_on(ctx: DemoContext, period_end: date, due: date) -> date:
    days = workdays_between(due.replace(day=1), due)
    if not days:
        # The October national-day week leaves no working day before the 5th: units send
        # their September return on the adjusted working days before the holiday.
        days = workdays_between(period_end - timedelta(days=2), period_end)
    return ctx.rng.choice(days)


def write_returns(ctx: DemoContext, scenario: Scenario, reference_dir) -> Outcome:
    """Write every monthly return and record supersessions, late and missing returns."""
    rng = ctx.rng
    plan = ctx.plan
    events = load_events(ctx, reference_dir)
    periods = _periods(plan.reporting_first_period, plan.reporting_last_period)
    first_day = date(int(periods[0][:4]), int(periods[0][5:]), 1)
    last_day = month_end(int(periods[-1][:4]), int(periods[-1][5:]))
    unit_tasks = {u: [t for t in plan.tasks if u in t.responsible_units] for u in scenario.units}
    units = [u for u in scenario.units if unit_tasks[u]]
    styles = _styles(ctx, units)
    trajs = {
        (u, t.code): _trajectory(ctx, t, u, task_due(t, events), first_day, last_day)
        for u in units for t in unit_tasks[u]
    }
    # Every seed leaves a few tasks undone at year end, so the overdue check has work to do.
    undone = [k for k, tr in trajs.items() if tr.due and not tr.done_on and not tr.not_applicable]
    dated = [k for k, tr in trajs.items() if tr.due and tr.done_on and not tr.not_applicable]
    for key in rng.sample(dated, max(0, MIN_OVERDUE - len(undone))):
        trajs[key].done_on = trajs[key].link = trajs[key].quantity = None

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

    plants = _choose_plants(ctx, units, unit_tasks, trajs, sent, periods,
                            exclude={missing[0], late_unit, resub_unit})
    last_written: dict[tuple[str, str], tuple] = {}
    for unit in units:
        style = styles[unit]
        for index, period in enumerate(periods):
            if (unit, period) == missing:
                continue
            y, m = int(period[:4]), int(period[5:])
            cutoff = min(month_end(y, m), sent[(unit, period)])
            table = _new_table(style, period, sent[(unit, period)])
            changed_row = None
            for task in unit_tasks[unit]:
                key = (unit, task.code)
                truth = _status(trajs[key], cutoff)
                plant = plants.get((unit, period, task.code))
                if (index and plant is None and truth == last_written.get(key)
                        and (unit, task.code) != (resub_unit, resub_code)
                        and rng.random() < style.omit_rate):
                    continue
                row = _row(ctx, style, task, truth, len(table.rows) + 1)
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
                row = _row(ctx, style, None, ("推进中", None, None, None), len(table.rows) + 1)
                row["任务编号"] = extra[2]
                table.add(row, {extra[0]: extra[1]})
            name = style.filename.format(unit=style.written_name, y=y, m=m, period=period)
            if (unit, period) == (resub_unit, last_period):
                first = _new_table(style, period, resub_first)
                first.rows = [dict(r) for r in table.rows]
                first.rows[changed_row].update(
                    _row(ctx, style, None, ("推进中", None, None, None), changed_row + 1,
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

    ctx.manifest["late_returns"] = [{
        "unit": late[0], "period": late[1], "submitted_on": sent[late].isoformat(),
        "due_on": due_of(late[1]).isoformat()}]
    ctx.manifest["missing_returns"] = [{"unit": missing[0], "period": missing[1],
                                        "due_on": due_of(missing[1]).isoformat()}]
    return Outcome(shortfalls=_task_shortfalls(unit_tasks, trajs, last_written, units))


def _periods(first: str, last: str) -> list[str]:
    out, (y, m) = [], (int(first[:4]), int(first[5:]))
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, min(hour, 17), 30)


def _choose_plants(ctx, units, unit_tasks, trajs, sent, periods, exclude) -> dict:
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
                    status = _status(trajs[(unit, task.code)], cutoff)
                    if want(status, trajs[(unit, task.code)], period) and not any(
                            k[0] == unit and k[1] == period for k in plants):
                        options.append((unit, period, task.code))
        return rng.choice(options)

    plants[pick(periods[1:4], lambda s, tr, p: s[0] == "推进中")] = (
        "进展状态", "unknown_status", "基本完成")
    plants[pick(periods[1:5], lambda s, tr, p: s[0] in DONE
                and tr.done_on.strftime("%Y-%m") == p)] = ("完成日期", "bad_date", "2018年13月5日")
    plants[pick(periods[:1], lambda s, tr, p: s[0] in DONE and tr.done_on.month == 6)] = (
        "完成日期", "bad_date", "6月底")
    unit = rng.choice([u for u in pool if not any(k[0] == u for k in plants)])
    plants[(unit, rng.choice(periods[2:5]), "extra")] = ("任务编号", "unknown_task_code", "9.9.9")
    return plants


def _new_table(style: Style, period: str, sent_on: date) -> Table:
    y, m = int(period[:4]), int(period[5:])
    width = len(style.columns)
    title = style.title.format(unit=style.written_name, y=y, m=m)
    period_text = f"{y}年{m}月" if style.period_style == "cn" else period
    sent_value = fmt_date(sent_on, style.sent_style)
    meta: list[object] = [None] * max(width, 8 if style.pairs else 7)
    items = [("报送单位", style.written_name), ("报送期间", period_text), ("报送日期", sent_value)]
    step = max(2, width // 3) if style.pairs else max(2, (width + 1) // 3)
    for i, (label, value) in enumerate(items):
        pos = i * step
        if style.pairs:
            meta[pos], meta[pos + 1] = label, value
        else:
            meta[pos] = f"{label}{style.colon}{value}"
    preamble = [[title], meta]
    if style.blank_row:
        preamble.append([])
    last_col = "ABCDEFGHIJ"[width - 1]
    return Table(columns=list(style.columns), sheet=style.sheet.format(m=m),
                 preamble=preamble, labels=dict(style.labels), merges=[f"A1:{last_col}1"],
                 date_format='yyyy"年"m"月"d"日"')


def _row(ctx, style: Style, task: Task | None, status: tuple, number: int,
         keep: dict | None = None) -> dict:
    word, done_on, link, quantity = status
    row = dict(keep or {})
    row.update({
        "序号": number,
        "进展状态": style.words.get(word, word),
        "完成日期": fmt_date(done_on, style.date_style) if done_on else None,
        "数量": quantity,
        "佐证链接": link,
        "进展说明": ctx.rng.choice(NOTES[word]),
    })
    if task is not None:
        row["任务编号"] = format_code(task.code, style.code_style)
        row["任务内容"] = task.title
    elif keep is None:
        row["任务内容"] = "其他重点工作（本单位自行增加）"
    return row


def _write_unknown_unit_return(ctx, unit_tasks, scenario, period, due) -> None:
    """A return from a unit the registry does not know: the pipeline must refuse the file."""
    template = next(u for u in scenario.departments if u in unit_tasks and unit_tasks[u])
    style = Style(written_name=UNKNOWN_UNIT, columns=list(STANDARD), labels={}, pairs=False,
                  colon="：", blank_row=False, date_style="cn", sent_style="cn",
                  period_style="cn", code_style="num", words={}, sheet="Sheet1",
                  title=TITLES[2], filename=FILENAMES[0], omit_rate=0.0)
    sent_on = due - timedelta(days=3)
    table = _new_table(style, period, sent_on)
    for task in unit_tasks[template]:
        word = ctx.rng.choice(["推进中", "推进中", "已完成"])
        done = workday_on_or_before(sent_on - timedelta(days=ctx.rng.randint(5, 60)))
        table.add(_row(ctx, style, task, (word, done if word == "已完成" else None, None, None),
                       len(table.rows) + 1))
    table.cell_defects.append((2, 1, "报送单位", "unknown_unit", UNKNOWN_UNIT))
    y, m = int(period[:4]), int(period[5:])
    write_file(ctx, SOURCE, f"{UNKNOWN_UNIT}{y}年{m}月政务公开进展报送表.xlsx", [table],
               sent_at=_at(sent_on, 11), rejected="unknown_unit")


def _task_shortfalls(unit_tasks, trajs, last_written, units) -> dict:
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
