"""The year's items, category by category: who publishes what, how often, under which titles.

The counts and unit weights are the county's 2018 picture; the special categories (budgets,
audits, services, projects, proposals, the gazette) also carry the planted lateness and the
showcase projects the scenario says are missing.
"""

from __future__ import annotations

from datetime import date, timedelta

from pipelines.demo.common import (
    YEAR,
    DemoContext,
    add_workdays,
    sub_workdays,
    weighted,
    workday_on_or_after,
)
from pipelines.demo.disclosures.items import ItemDrawer, full_name
from pipelines.demo.scenario import ORGANISER, Scenario
from pipelines.demo.vocab import OTHER_PROJECTS, PROJECT_STAGES, PROJECTS, SERVICES, TOPICS

GAZETTE_ISSUES = (date(2018, 11, 20), date(2018, 12, 20))


def draw_items(ctx: DemoContext, sc: Scenario) -> ItemDrawer:
    """Every item of the year, in the order they were drawn."""
    g = ItemDrawer(ctx, sc)
    rng = g.rng
    depts, towns = list(sc.departments), list(sc.townships)
    others = [d for d in depts if d != ORGANISER]
    g.generic("政策文件", 170, [
        (2, ORGANISER, ["中宁县人民政府关于印发《中宁县{topic}实施方案》的通知",
                        "中宁县人民政府办公室关于印发《中宁县2018年{topic}工作方案》的通知",
                        "中宁县人民政府关于进一步加强{topic}工作的意见"]),
        (5, others, ["{unit}关于印发《2018年{topic}工作要点》的通知",
                     "{unit}关于开展{topic}工作的通知", "{unit}关于做好2018年{topic}有关工作的通知"]),
        (2, towns, ["{unit}关于印发《2018年{topic}实施方案》的通知", "{unit}关于开展{topic}工作的通知"]),
    ], doc_rate=0.85, normative_rate=0.12)
    g.generic("规范性文件", 12, [
        (5, ORGANISER, ["中宁县人民政府关于印发《中宁县{topic}管理办法》的通知"]),
        (4, ["县财政局", "县人力资源和社会保障局", "县民政局", "县住房和城乡建设局"],
         ["{unit}关于印发《{topic}资金管理暂行办法》的通知"]),
    ], normative_rate=1.0)
    interpreters = [d for d in others if d not in sc.head_missing]
    g.generic("政策解读", 85, [
        (3, ORGANISER, ["关于《中宁县{topic}实施方案》的政策解读", "图解：中宁县{topic}实施方案"]),
        (5, interpreters, ["一图读懂《{unit}2018年{topic}工作要点》",
                           "《{unit}关于开展{topic}工作的通知》解读",
                           "{unit}就{topic}有关政策答记者问"]),
    ])
    g.generic("舆情回应", 14, [(1, depts, ["关于网民反映“{issue}”问题的回复",
                                          "关于“{issue}”有关情况的说明"])])
    meetings = sorted(g.day_in(date(YEAR, 1, 8), date(YEAR, 12, 25)) for _ in range(26))
    for n, day in enumerate(meetings, start=12):
        g.add(ORGANISER, "政府会议", f"中宁县人民政府十七届第{n}次常务会议纪要", day,
              add_workdays(day, rng.randint(1, 6)))
    g.generic("人事信息", 38, [
        (4, "县人力资源和社会保障局", ["中宁县2018年公开招聘事业单位工作人员公告",
                                  "中宁县2018年公开招聘事业单位工作人员笔试成绩公示",
                                  "中宁县2018年公开招聘事业单位工作人员拟聘用人员公示",
                                  "中宁县2018年“三支一扶”人员招募公告",
                                  "中宁县2018年公益性岗位招聘公告"]),
        (1, ORGANISER, ["中宁县人民政府关于部分同志职务任免的通知"]),
        (2, "县教育体育局", ["中宁县2018年特岗教师招聘公告", "中宁县2018年公开招聘幼儿园教师公告"]),
        (1, "县卫生和计划生育局", ["中宁县2018年公开招聘乡镇卫生院医务人员公告"]),
    ], doc_rate=0.1)
    g.generic("政府债务", 4, [(1, "县财政局", ["中宁县2017年政府债务限额及余额情况",
                                              "中宁县2018年新增地方政府债券资金使用情况"])])
    g.generic("公共资源配置", 330, [
        (8, ["县住房和城乡建设局", "县交通运输局", "县水务局", "县教育体育局", "县卫生和计划生育局",
             "县农牧局", "县林业局", "县扶贫办", *towns],
         ["{project}招标公告", "{project}中标候选人公示", "{project}中标结果公示",
          "{project}竞争性磋商公告", "{project}成交结果公告"]),
        (1, "县国土资源局", ["中宁县2018-{n}号国有建设用地使用权挂牌出让公告",
                             "中宁县2018-{n}号国有建设用地使用权出让结果公示"]),
        (1, "县财政局", ["{unit}2018年办公设备政府采购成交公告", "中宁县2018年政府集中采购目录"]),
    ])
    g.generic("社会公益事业", 240, [
        (3, "县民政局", ["2018年{m}月城乡低保资金发放情况公示", "2018年{m}月特困人员供养资金发放情况公示"]),
        (3, towns, ["{unit}2018年第{q}季度临时救助情况公示", "{village}2018年农村危房改造补助对象公示"]),
        (2, "县教育体育局", ["中宁县2018年秋季学期学生资助政策公告", "中宁县2018年义务教育阶段招生工作方案"]),
        (1, "县卫生和计划生育局", ["中宁县2018年城乡居民医疗保险缴费公告",
                                  "中宁县2018年家庭医生签约服务公告"]),
        (1, "县扶贫办", ["2018年建档立卡贫困户产业扶持资金公示"]),
        (1, "县文化旅游广电局", ["中宁县公共文化场馆免费开放公告"]),
        (1, "县环境保护局", ["中宁县2018年{m}月环境空气质量状况"]),
    ])
    for unit in rng.sample(depts, 28):
        day = g.day_in(date(YEAR, 9, 3), date(YEAR, 10, 30))
        g.add(rng.choice(["县机构编制委员会办公室", unit]), "权责清单",
              f"{full_name(unit)}权责清单（2018年调整版）", sub_workdays(day, g.lag()), day)
    g.generic("负面清单", 3, [(1, ["县发展和改革局", "县商务和经济技术合作局"], [
        "关于做好市场准入负面清单制度试点工作的通知", "市场准入负面清单（2018年版）宣传解读"])])
    g.generic("行政执法公示", 240, [
        (4, "县市场监督管理局", ["2018年第{n}批“双随机、一公开”抽查结果公示",
                                "{unit}行政处罚信息公示（2018年第{n}号）"]),
        (6, {"县环境保护局": 3, "县安全生产监督管理局": 2, "县交通运输局": 1,
             "县卫生和计划生育局": 1, "县林业局": 1, "县水务局": 1},
         ["{unit}行政处罚信息公示（2018年第{n}号）", "{unit}2018年{m}月行政执法信息公示"]),
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
    rng, fin = g.rng, "县财政局"
    for title in ("中宁县2018年政府预算公开", "关于中宁县2017年预算执行情况和2018年预算草案的报告"):
        g.add(fin, "预决算", title, date(YEAR, 1, 26), add_workdays(date(YEAR, 1, 26),
                                                                   rng.randint(5, 12)))
    for unit in g.sc.units:
        formed = add_workdays(date(YEAR, 2, 26), rng.randint(0, 5))
        g.add(unit, "预决算", f"{full_name(unit)}2018年部门预算公开", formed,
              add_workdays(formed, g.lag(0.05)))
        formed = add_workdays(date(YEAR, 8, 6), rng.randint(0, 5))
        g.add(unit, "预决算", f"{full_name(unit)}2017年度部门决算公开", formed,
              add_workdays(formed, g.lag(0.03)))
    # The budget column of task 二（一）1 goes live in late November.
    for title in ("关于中宁县人民政府网站预决算公开专栏开通运行的公告",
                  "中宁县2018年政府预算（预决算公开专栏）", "中宁县2017年政府决算（预决算公开专栏）",
                  "中宁县2018年“三公”经费预算汇总情况（预决算公开专栏）"):
        published = g.day_in(date(YEAR, 11, 26), date(YEAR, 11, 29))
        g.add(fin, "预决算", title, published - timedelta(days=rng.randint(1, 3)), published)


def _audits(g: ItemDrawer) -> None:
    rng, audit = g.rng, "县审计局"
    plans = [("中宁县审计局2018年度审计项目计划", date(YEAR, 3, 12)),
             ("关于中宁县2017年度本级预算执行和其他财政收支情况的审计工作报告", date(YEAR, 8, 28)),
             ("关于2017年度县本级预算执行和其他财政收支审计查出问题整改情况的报告",
              date(YEAR, 12, 12))]
    audited = rng.sample([u for u in g.sc.departments if u != audit], 7)
    for unit in audited:
        plans.append((f"{full_name(unit)}2017年度预算执行情况审计结果公告",
                      g.day_in(date(YEAR, 4, 2), date(YEAR, 11, 30))))
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
    titles = ["关于调整{svc}办理条件的公告", "{svc}办事指南（2018年修订版）",
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
    deadline = date(YEAR, 8, 31)
    for unit in sc.showcase_units:
        projects = PROJECTS.get(unit) or [f"{full_name(unit)}重点建设项目"]
        if unit in sc.showcase_missing:
            # The second planted unit discloses nothing; the first only after the deadline.
            if unit == sc.showcase_missing[0]:
                day = g.day_in(date(YEAR, 10, 8), date(YEAR, 10, 31))
                g.add(unit, "重大建设项目", f"{projects[0]}{PROJECT_STAGES[2]}",
                      sub_workdays(day, rng.randint(1, 6)), day)
            continue
        for project in projects[: rng.randint(1, 2)]:
            stages = sorted(rng.sample(range(len(PROJECT_STAGES)), rng.randint(2, 4)))
            days = sorted(g.day_in(date(YEAR, 4, 2), deadline - timedelta(days=1))
                          for _ in stages)
            days += [g.day_in(date(YEAR, 9, 3), date(YEAR, 12, 20))] * rng.randint(0, 1)
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
    g.add(ORGANISER, "建议提案办理",
          "关于县十七届人大三次会议代表建议和政协十届三次会议委员提案交办情况的通报",
          date(YEAR, 1, 29), date(YEAR, 1, 30))
    for n in sorted(rng.sample(range(1, 90), 30)):
        formed = g.day_in(date(YEAR, 4, 9), date(YEAR, 7, 31))
        kind = rng.choice(["县十七届人大三次会议第{n}号代表建议",
                           "政协中宁县第十届委员会第三次会议第{n}号提案"])
        g.add(rng.choice(g.sc.departments), "建议提案办理",
              f"关于{kind.format(n=n)}办理情况的答复", formed,
              add_workdays(formed, rng.randint(0, 3)))


def _gazette(g: ItemDrawer) -> None:
    """The county gazette, founded 2018-11-15, reprints the county's documents from issue 1."""
    for issue in GAZETTE_ISSUES:
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
