"""The year's items, category by category: who publishes what, how often, under which titles.

The counts and unit weights are the county's 2018 picture (later years scale them by their
story's ``volume``); the special categories (budgets, audits, services, projects, proposals,
the gazette) also carry the planted lateness and the showcase projects the scenario says are
missing. Titles name the year through the ``{y}`` slot (``{py}``: the year before).
"""

from __future__ import annotations

from datetime import date, timedelta

from pipelines.demo.common import (
    DemoContext,
    add_workdays,
    sub_workdays,
    weighted,
    workday_on_or_after,
)
from pipelines.demo.disclosures.items import ItemDrawer, full_name
from pipelines.demo.scenario import ORGANISER, Scenario
from pipelines.demo.vocab import OTHER_PROJECTS, PROJECT_STAGES, PROJECTS, SERVICES, TOPICS


def draw_items(ctx: DemoContext, sc: Scenario) -> ItemDrawer:
    """Every item of the year, in the order they were drawn."""
    g = ItemDrawer(ctx, sc)
    rng = g.rng
    depts, towns = list(sc.departments), list(sc.townships)
    others = [d for d in depts if d != ORGANISER]
    g.generic("政策文件", 170, [
        (2, ORGANISER, ["中宁县人民政府关于印发《中宁县{topic}实施方案》的通知",
                        "中宁县人民政府办公室关于印发《中宁县{y}年{topic}工作方案》的通知",
                        "中宁县人民政府关于进一步加强{topic}工作的意见"]),
        (5, others, ["{unit}关于印发《{y}年{topic}工作要点》的通知",
                     "{unit}关于开展{topic}工作的通知", "{unit}关于做好{y}年{topic}有关工作的通知"]),
        (2, towns, ["{unit}关于印发《{y}年{topic}实施方案》的通知", "{unit}关于开展{topic}工作的通知"]),
    # A 政策文件 can be normative only where the CMS export has the 规范性文件 column to say so.
    ], doc_rate=0.85, normative_rate=0.12 if ctx.story.cms_normative_column else 0.0)
    g.generic("规范性文件", 12, [
        (5, ORGANISER, ["中宁县人民政府关于印发《中宁县{topic}管理办法》的通知"]),
        (4, ["县财政局", "县人力资源和社会保障局", "县民政局", "县住房和城乡建设局"],
         ["{unit}关于印发《{topic}资金管理暂行办法》的通知"]),
    ], normative_rate=1.0)
    interpreters = [d for d in others if d not in sc.head_missing]
    g.generic("政策解读", 85, [
        (3, ORGANISER, ["关于《中宁县{topic}实施方案》的政策解读", "图解：中宁县{topic}实施方案"]),
        (5, interpreters, ["一图读懂《{unit}{y}年{topic}工作要点》",
                           "《{unit}关于开展{topic}工作的通知》解读",
                           "{unit}就{topic}有关政策答记者问"]),
    ])
    g.generic("舆情回应", 14, [(1, depts, ["关于网民反映“{issue}”问题的回复",
                                          "关于“{issue}”有关情况的说明"])])
    meetings = sorted(g.day_in(date(g.year, 1, 8), date(g.year, 12, 25)) for _ in range(26))
    # The seventeenth government's executive meetings, numbered on from year to year.
    for n, day in enumerate(meetings, start=12 + 26 * (g.year - 2018)):
        g.add(ORGANISER, "政府会议", f"中宁县人民政府十七届第{n}次常务会议纪要", day,
              add_workdays(day, rng.randint(1, 6)))
    g.generic("人事信息", 38, [
        (4, "县人力资源和社会保障局", ["中宁县{y}年公开招聘事业单位工作人员公告",
                                  "中宁县{y}年公开招聘事业单位工作人员笔试成绩公示",
                                  "中宁县{y}年公开招聘事业单位工作人员拟聘用人员公示",
                                  "中宁县{y}年“三支一扶”人员招募公告",
                                  "中宁县{y}年公益性岗位招聘公告"]),
        (1, ORGANISER, ["中宁县人民政府关于部分同志职务任免的通知"]),
        (2, "县教育体育局", ["中宁县{y}年特岗教师招聘公告", "中宁县{y}年公开招聘幼儿园教师公告"]),
        (1, "县卫生和计划生育局", ["中宁县{y}年公开招聘乡镇卫生院医务人员公告"]),
    ], doc_rate=0.1)
    g.generic("政府债务", 4, [(1, "县财政局", ["中宁县{py}年政府债务限额及余额情况",
                                              "中宁县{y}年新增地方政府债券资金使用情况"])])
    g.generic("公共资源配置", 330, [
        (8, ["县住房和城乡建设局", "县交通运输局", "县水务局", "县教育体育局", "县卫生和计划生育局",
             "县农牧局", "县林业局", "县扶贫办", *towns],
         ["{project}招标公告", "{project}中标候选人公示", "{project}中标结果公示",
          "{project}竞争性磋商公告", "{project}成交结果公告"]),
        (1, "县国土资源局", ["中宁县{y}-{n}号国有建设用地使用权挂牌出让公告",
                             "中宁县{y}-{n}号国有建设用地使用权出让结果公示"]),
        (1, "县财政局", ["{unit}{y}年办公设备政府采购成交公告", "中宁县{y}年政府集中采购目录"]),
    ])
    g.generic("社会公益事业", 240, [
        (3, "县民政局", ["{y}年{m}月城乡低保资金发放情况公示", "{y}年{m}月特困人员供养资金发放情况公示"]),
        (3, towns, ["{unit}{y}年第{q}季度临时救助情况公示", "{village}{y}年农村危房改造补助对象公示"]),
        (2, "县教育体育局", ["中宁县{y}年秋季学期学生资助政策公告", "中宁县{y}年义务教育阶段招生工作方案"]),
        (1, "县卫生和计划生育局", ["中宁县{y}年城乡居民医疗保险缴费公告",
                                  "中宁县{y}年家庭医生签约服务公告"]),
        (1, "县扶贫办", ["{y}年建档立卡贫困户产业扶持资金公示"]),
        (1, "县文化旅游广电局", ["中宁县公共文化场馆免费开放公告"]),
        (1, "县环境保护局", ["中宁县{y}年{m}月环境空气质量状况"]),
    ])
    for unit in rng.sample(depts, 28):
        day = g.day_in(date(g.year, 9, 3), date(g.year, 10, 30))
        g.add(rng.choice(["县机构编制委员会办公室", unit]), "权责清单",
              f"{full_name(unit)}权责清单（{g.year}年调整版）", sub_workdays(day, g.lag()), day)
    g.generic("负面清单", 3, [(1, ["县发展和改革局", "县商务和经济技术合作局"], [
        "关于做好市场准入负面清单制度试点工作的通知", "市场准入负面清单（{y}年版）宣传解读"])])
    g.generic("行政执法公示", 240, [
        (4, "县市场监督管理局", ["{y}年第{n}批“双随机、一公开”抽查结果公示",
                                "{unit}行政处罚信息公示（{y}年第{n}号）"]),
        (6, {"县环境保护局": 3, "县安全生产监督管理局": 2, "县交通运输局": 1,
             "县卫生和计划生育局": 1, "县林业局": 1, "县水务局": 1},
         ["{unit}行政处罚信息公示（{y}年第{n}号）", "{unit}{y}年{m}月行政执法信息公示"]),
        (1, "县国土资源局", ["{unit}关于{village}违法占地查处情况的公示"]),
    ])
    g.generic("其他", 640, [
        (2, ORGANISER, ["{unit}召开{topic}工作推进会", "{unit}组织学习{study}"]),
        (8, depts, ["{unit}召开{topic}工作推进会", "{unit}扎实推进{topic}工作",
                    "{unit}开展{topic}宣传活动", "{unit}组织学习{study}", "{unit}多措并举推进{topic}",
                    "{unit}{topic}工作取得阶段性成效"]),
        (3, towns, ["{unit}召开{topic}工作部署会", "{unit}扎实推进{topic}工作",
                    "{unit}开展{topic}宣传活动"]),
    ])
    _budgets(g)
    _audits(g)
    _services(g)
    _projects(g)
    _proposals(g)
    _gazette(g)
    return g


def _budgets(g: ItemDrawer) -> None:
    rng, fin, y, py = g.rng, "县财政局", g.year, g.year - 1
    for title in (f"中宁县{y}年政府预算公开", f"关于中宁县{py}年预算执行情况和{y}年预算草案的报告"):
        g.add(fin, "预决算", title, date(g.year, 1, 26), add_workdays(date(g.year, 1, 26),
                                                                   rng.randint(5, 12)))
    for unit in g.sc.units:
        formed = add_workdays(date(g.year, 2, 26), rng.randint(0, 5))
        g.add(unit, "预决算", f"{full_name(unit)}{y}年部门预算公开", formed,
              add_workdays(formed, g.lag(0.05)))
        formed = add_workdays(date(g.year, 8, 6), rng.randint(0, 5))
        g.add(unit, "预决算", f"{full_name(unit)}{py}年度部门决算公开", formed,
              add_workdays(formed, g.lag(0.03)))
    # The budget column of task 二（一）1 goes live in late November (2018); later years keep
    # it up to date at the same time of year.
    titles = [f"中宁县{y}年政府预算（预决算公开专栏）", f"中宁县{py}年政府决算（预决算公开专栏）",
              f"中宁县{y}年“三公”经费预算汇总情况（预决算公开专栏）"]
    if g.ctx.story.budget_column_opened:
        titles.insert(0, "关于中宁县人民政府网站预决算公开专栏开通运行的公告")
    for title in titles:
        published = g.day_in(date(g.year, 11, 26), date(g.year, 11, 29))
        g.add(fin, "预决算", title, published - timedelta(days=rng.randint(1, 3)), published)


def _audits(g: ItemDrawer) -> None:
    rng, audit, y, py = g.rng, "县审计局", g.year, g.year - 1
    plans = [(f"中宁县审计局{y}年度审计项目计划", date(y, 3, 12)),
             (f"关于中宁县{py}年度本级预算执行和其他财政收支情况的审计工作报告", date(y, 8, 28)),
             (f"关于{py}年度县本级预算执行和其他财政收支审计查出问题整改情况的报告",
              date(y, 12, 12))]
    audited = rng.sample([u for u in g.sc.departments if u != audit], 7)
    for unit in audited:
        plans.append((f"{full_name(unit)}{py}年度预算执行情况审计结果公告",
                      g.day_in(date(g.year, 4, 2), date(g.year, 11, 30))))
    late = set(rng.sample(range(3, len(plans)), 2))
    for i, (title, formed) in enumerate(plans):
        if i in late:
            published = workday_on_or_after(formed + timedelta(days=rng.randint(9, 16)))
        else:
            published = formed + timedelta(days=rng.randint(0, 3))
            published = published if published.weekday() < 5 else formed
        g.add(audit, "审计信息", title, formed, published, tag="late" if i in late else "")


def _services(g: ItemDrawer) -> None:
    rng = g.rng
    units = {"县政务服务中心": 10, "县人力资源和社会保障局": 2, "县市场监督管理局": 2,
             "县公安局": 1.5, "县民政局": 1.2, "县住房和城乡建设局": 1.2, "县国土资源局": 1,
             "县卫生和计划生育局": 1}
    titles = ["关于调整{svc}办理条件的公告", "{svc}办事指南（" + str(g.year) + "年修订版）",
              "关于{svc}实行“不见面、马上办”的公告", "关于{svc}申请材料精简的公告",
              "{svc}办理流程变更公告"]
    count = 108
    late = set(rng.sample(range(count), 2))
    for i in range(count):
        unit = weighted(rng, units)
        formed = g.pub_day()
        if i in late:
            published = add_workdays(formed, rng.randint(4, 8))
        else:
            published = add_workdays(formed, weighted(rng, {0: 5, 1: 5}))
        title = rng.choice(titles).format(svc=rng.choice(SERVICES))
        g.add(unit, "办事服务", title, formed, published, tag="late" if i in late else "")


def _projects(g: ItemDrawer) -> None:
    rng, sc = g.rng, g.sc
    deadline = date(g.year, 8, 31)
    for unit in sc.showcase_units:
        projects = PROJECTS.get(unit) or [f"{full_name(unit)}重点建设项目"]
        if unit in sc.showcase_missing:
            # The second planted unit discloses nothing; the first only after the deadline.
            if unit == sc.showcase_missing[0]:
                day = g.day_in(date(g.year, 10, 8), date(g.year, 10, 31))
                g.add(unit, "重大建设项目", f"{projects[0]}{PROJECT_STAGES[2]}",
                      sub_workdays(day, rng.randint(1, 6)), day)
            continue
        for project in projects[: rng.randint(1, 2)]:
            stages = sorted(rng.sample(range(len(PROJECT_STAGES)), rng.randint(2, 4)))
            days = sorted(g.day_in(date(g.year, 4, 2), deadline - timedelta(days=1))
                          for _ in stages)
            days += [g.day_in(date(g.year, 9, 3), date(g.year, 12, 20))] * rng.randint(0, 1)
            for stage, day in zip(stages + [8], days, strict=False):
                g.add(unit, "重大建设项目", f"{project}{PROJECT_STAGES[stage]}",
                      sub_workdays(day, rng.randint(0, 8)), day, tag="showcase")
    for project in rng.sample(OTHER_PROJECTS, 8):
        builder = "县住房和城乡建设局" if "县住房和城乡建设局" not in sc.showcase_missing else ORGANISER
        unit = next((t for t in sc.townships if project.startswith(t)), builder)
        day = g.pub_day()
        g.add(unit, "重大建设项目", f"{project}{rng.choice(PROJECT_STAGES)}",
              sub_workdays(day, rng.randint(0, 8)), day)


def _proposals(g: ItemDrawer) -> None:
    rng = g.rng
    congress, cppcc, cppcc_full = g.ctx.story.sessions
    g.add(ORGANISER, "建议提案办理",
          f"关于{congress}代表建议和{cppcc}委员提案交办情况的通报",
          date(g.year, 1, 29), date(g.year, 1, 30))
    for n in sorted(rng.sample(range(1, 90), 30)):
        formed = g.day_in(date(g.year, 4, 9), date(g.year, 7, 31))
        kind = rng.choice([congress + "第{n}号代表建议", cppcc_full + "第{n}号提案"])
        g.add(rng.choice(g.sc.departments), "建议提案办理",
              f"关于{kind.format(n=n)}办理情况的答复", formed,
              add_workdays(formed, rng.randint(0, 3)))


def _gazette(g: ItemDrawer) -> None:
    """The county gazette (founded 2018-11-15) reprints the county's documents in every issue."""
    for issue in g.ctx.story.gazette_issues:
        window_start = sub_workdays(issue, 18)
        docs = [i for i in g.items if i.unit == ORGANISER and i.category in ("政策文件", "规范性文件")
                and window_start <= i.formed <= issue - timedelta(days=3) and i.published <= issue]
        extra = 7 - len(docs)
        for _ in range(max(0, extra)):
            formed = g.day_in(window_start, issue - timedelta(days=5))
            title = (f"中宁县人民政府办公室关于印发《中宁县{g.rng.choice(TOPICS)}工作方案》的通知")
            docs.append(g.add(ORGANISER, "政策文件", title, formed,
                              add_workdays(formed, g.rng.randint(0, 3)),
                              doc_no=g.doc_no(ORGANISER)))
        for item in docs[:9]:
            item.gazette_on = issue
