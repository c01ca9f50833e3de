"""工作活动台账: meetings, trainings, interviews and inspections the plan and tables count.

The county office keeps the workbook; townships send their own small CSV of leadership
meetings and complaints. The planted shortfalls (four open meetings, two departments whose
heads never interpreted a policy, three townships trained late, units whose heads never
studied openness work, a late inspection) are drawn in ``scenario`` and only acted out here.
"""

from __future__ import annotations

from datetime import date, datetime

from pipelines.demo.common import (
    DemoContext,
    Table,
    aliases_of,
    fmt_date,
    page_link,
    workdays_between,
)
from pipelines.demo.scenario import ORGANISER, Scenario
from pipelines.demo.vocab import ISSUES, TOPICS, VILLAGES
from pipelines.demo.writers import write_file

SOURCE = "activities"
COLUMNS = ["日期", "单位", "活动类型", "标题", "主要负责同志参加", "人数", "参加单位", "链接"]
HEAD_MARKS = ("是", "是", "Y", "√")


def write_activities(ctx: DemoContext, scenario: Scenario) -> dict:
    """Write the office's workbook and the townships' CSV of the year; return the planted
    shortfalls."""
    rng, reg, story, year = ctx.rng, ctx.registry, ctx.story, ctx.year
    rows: list[dict] = []
    town_rows: list[dict] = []

    def add(day, unit, kind, title, head=None, people=None, units=None, target=None):
        (target if target is not None else rows).append({
            "日期": day, "单位": ctx.written(unit, day), "活动类型": kind, "标题": title,
            "主要负责同志参加": head,
            "人数": people, "参加单位": units,
            "链接": page_link(reg, unit, day, rng) if rng.random() < 0.6 else None,
        })

    def day_between(a, b):
        return rng.choice(workdays_between(a, b))

    meeting_days = sorted(day_between(date(year, m, 1), date(year, m, 25))
                          for m in rng.sample(range(3, 13), story.open_meetings))
    for day in meeting_days:
        add(day, ORGANISER, "会议开放",
            f"县人民政府常务会议研究{rng.choice(TOPICS)}，邀请人大代表、政协委员和群众代表列席",
            "是", rng.randint(5, 12))

    heads = [d for d in scenario.departments if d not in scenario.head_missing]
    for unit in heads:
        kind = rng.choice(["新闻发布会", "在线访谈", "在线访谈", "媒体采访"])
        topic = rng.choice(TOPICS)
        title = {
            "新闻发布会": f"中宁县{topic}新闻发布会",
            "在线访谈": f"{unit}主要负责同志做客“中宁在线”访谈解读{topic}政策",
            "媒体采访": f"{unit}主要负责同志接受《宁夏日报》采访解读{topic}",
        }[kind]
        add(day_between(date(year, 3, 1), date(year, 10, 26)), unit, kind, title,
            rng.choice(HEAD_MARKS))
    # A deputy, not the head, speaks for one planted department: it must not count.
    stand_in = scenario.head_missing[0]
    add(day_between(date(year, 5, 2), date(year, 9, 28)), stand_in, "新闻发布会",
        f"中宁县{rng.choice(TOPICS)}新闻发布会（分管负责同志发布）", "否")
    for unit in rng.sample(heads, 4):
        add(day_between(date(year, 4, 2), date(year, 12, 20)), unit,
            rng.choice(["在线访谈", "媒体采访"]),
            f"{unit}业务科室负责人解读{rng.choice(TOPICS)}", rng.choice(["否", "N", None]))

    everyone = list(scenario.units)
    trained = [u for u in everyone if u not in scenario.untrained]
    spelled = [_maybe_alias(ctx, u, story.training_on) for u in trained]
    add(story.training_on, ORGANISER, "培训", story.training_title, "是",
        len(trained) * 2 + rng.randint(0, 6), "、".join(spelled))
    add(story.makeup_training_on, ORGANISER, "培训", "乡镇政务公开工作人员补训", "否",
        len(scenario.untrained) * 2,
        "；".join(ctx.written(u, story.makeup_training_on) for u in scenario.untrained))
    web = rng.sample(everyone, 20)
    add(date(year, 11, 8), ORGANISER, "培训", "全县政府网站和政务新媒体信息发布业务培训", "否",
        len(web) + rng.randint(3, 10),
        ",".join(ctx.written(u, date(year, 11, 8)) for u in sorted(web, key=everyone.index)))

    for unit in everyone:
        if unit in scenario.no_deployment:
            continue
        day = day_between(date(year, 3, 1), date(year, 12, 21))
        if unit in scenario.townships:
            add(day, unit, "研究部署", f"{unit}党委会专题研究部署政务公开工作", "是",
                target=town_rows)
        else:
            add(day, unit, "研究部署", f"{unit}党组会议专题研究部署{_deployment_topic(year)}",
                rng.choice(HEAD_MARKS))

    add(story.budget_inspection_on, "县财政局", "专项检查", "全县预决算公开专项检查", "是", 12)
    add(story.service_inspection_on, "县政务服务中心", "专项检查", "全县办事服务信息公开专项检查", "是", 9)
    for day, title, people in story.working_meetings:
        add(day, ORGANISER, "工作会议", title, "是", people)
    for issue in rng.sample(ISSUES, 4):
        add(day_between(date(year, 2, 1), date(year, 12, 20)), rng.choice(scenario.departments),
            "舆情回应", f"关于“{issue}”舆情的回应", None)
    for village in rng.sample(VILLAGES, 2):
        town = village[: village.index("镇") + 1] if "镇" in village else village[
            : village.index("乡") + 1]
        add(day_between(date(year, 4, 2), date(year, 11, 30)), town, "举报投诉",
            f"群众反映{village}村务公开不及时的投诉", None, target=town_rows)
    add(date(year, 5, 15), ORGANISER, "其他", f"{year}年“政务公开日”集中宣传活动", None, 120)

    rows.sort(key=lambda r: (r["日期"], r["单位"]))
    town_rows.sort(key=lambda r: (r["日期"], r["单位"]))
    book = Table(columns=list(COLUMNS), sheet=f"{year}年活动台账",
                 preamble=[[f"中宁县{year}年政务公开工作活动台账"]], merges=["A1:H1"],
                 date_format='yyyy"年"m"月"d"日"')
    bad_at = rng.randint(len(rows) // 3, len(rows) - 1)
    for n, row in enumerate(rows):
        if rng.random() < 0.15:
            row["日期"] = fmt_date(row["日期"], rng.choice(["cn", "dot", "iso"]))
        book.add(row)
        if n == bad_at:
            book.add({**row, "活动类型": "座谈会", "标题": "政务公开工作座谈会",
                      "主要负责同志参加": None, "参加单位": None, "人数": 16},
                     {"活动类型": "bad_vocabulary"})
    write_file(ctx, SOURCE, f"{year}年政务公开工作活动台账.xlsx", [book],
               sent_at=datetime(year + 1, 1, 8, 15, 0))
    towns = Table(columns=list(COLUMNS))
    for row in town_rows:
        towns.add({**row, "日期": fmt_date(row["日期"], "slash")})
    write_file(ctx, SOURCE, _towns_file(year), [towns], encoding="utf-8",
               sent_at=datetime(year + 1, 1, 4, 10, 30))
    return {
        "open_meetings": {"task": "1.1.4", "target": _target(ctx, "1.1.4", "min_count"),
                          "actual": story.open_meetings},
        "head_interpretation_missing": {"task": "3.2", "units": list(scenario.head_missing),
                                        "note": f"{stand_in}仅有分管负责同志参加的新闻发布会"},
        f"not_trained_by_{_target(ctx, '7.1', 'by', 'training_by')}": {
            "task": "7.1", "units": list(scenario.untrained),
            "trained_on": story.makeup_training_on.isoformat()},
        "no_research_deployment": {"task": "7.1", "units": list(scenario.no_deployment)},
        "budget_inspection": _inspection(ctx, "2.1.1", story.budget_inspection_on),
        f"service_inspection{'_late' if story.service_inspection_on > _due(ctx, '5.3.1') else ''}":
            _inspection(ctx, "5.3.1", story.service_inspection_on),
    }


def _deployment_topic(year: int) -> str:
    return "政务公开“整体提升年”活动" if year == 2018 else f"{year}年政务公开工作"


def _towns_file(year: int) -> str:
    # The 2018 file kept its first name; later years add the year.
    return "乡镇研究部署及投诉登记.csv" if year == 2018 else f"乡镇研究部署及投诉登记（{year}年）.csv"


def _target(ctx: DemoContext, task: str, key: str, metric: str | None = None):
    found = ctx.plan.task(task)
    for target in found.targets if found else ():
        if (metric is None or target.metric == metric) and key in target.params:
            return target.params[key]
    return None


def _due(ctx: DemoContext, task: str) -> date:
    return date.fromisoformat(_target(ctx, task, "by", "inspection_by"))


def _inspection(ctx: DemoContext, task: str, held_on: date) -> dict:
    due = _due(ctx, task)
    return {"task": task, "held_on": held_on.isoformat(), "due_on": due.isoformat(), "late": held_on > due}


def _maybe_alias(ctx: DemoContext, unit: str, day: date) -> str:
    aliases = aliases_of(ctx.registry, unit)
    spelled = ctx.rng.choice(aliases) if aliases and ctx.rng.random() < 0.15 else unit
    # A unit renamed by then is listed by its new name (the draws above stay the same, so
    # the rest of the demo does not move).
    named = ctx.written(unit, day)
    return spelled if named == unit else named
