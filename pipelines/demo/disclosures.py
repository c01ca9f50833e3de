"""主动公开信息台账: the website CMS export of 2018, one row per item per channel.

Two CSV exports (first half in UTF-8 with BOM, second half in GB18030 that repeats the last
~100 rows of the first export exactly) and a small 政务微博 channel workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pipelines.demo.common import (
    DIVISION,
    YEAR,
    DemoContext,
    Table,
    add_workdays,
    doc_prefix,
    fmt_date,
    page_link,
    rand_digits,
    sub_workdays,
    weighted,
    workday_on_or_after,
    workdays_between,
)
from pipelines.demo.scenario import ORGANISER, Scenario
from pipelines.demo.vocab import (
    ISSUES,
    OTHER_PROJECTS,
    PROJECT_STAGES,
    PROJECTS,
    SERVICES,
    STUDY,
    TOPICS,
    VILLAGES,
)
from pipelines.demo.writers import write_file

SOURCE = "disclosures"
COLUMNS = ["索引号", "标题", "发布机构", "信息类别", "公开渠道", "成文日期", "发布日期", "文号", "链接",
           "规范性文件"]
WEIBO_COLUMNS = ["索引号", "标题", "发布机构", "信息类别", "公开渠道", "成文日期", "发布日期", "链接"]
GAZETTE_ISSUES = (date(2018, 11, 20), date(2018, 12, 20))
MONTH_WEIGHTS = {1: 0.6, 2: 0.5, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 0.9, 10: 0.8, 11: 1,
                 12: 1.1}
# Extra channels besides the website, per category: (政务微信, 政务微博, 移动客户端, 查阅点).
CHANNEL_ODDS = {
    "政策文件": (0.2, 0.05, 0.03, 0.1), "规范性文件": (0.2, 0.05, 0.03, 0.3),
    "政策解读": (0.6, 0.3, 0.08, 0.0), "舆情回应": (0.8, 0.7, 0.1, 0.0),
    "人事信息": (0.5, 0.1, 0.05, 0.0), "社会公益事业": (0.25, 0.05, 0.03, 0.05),
    "办事服务": (0.2, 0.03, 0.05, 0.05), "其他": (0.3, 0.08, 0.03, 0.0),
}
BAD_ROWS = (
    ("成文日期", "bad_date", "2018-09-31"),
    ("信息类别", "bad_vocabulary", "通知公告"),
    ("索引号", "missing_required", ""),
    ("发布机构", "unknown_unit", "中宁县融媒体中心"),
)


@dataclass
class Item:
    """One piece of government information and where it was published."""

    unit: str
    category: str
    title: str
    formed: date
    published: date
    doc_no: str | None = None
    normative: bool = False
    channels: list[str] = field(default_factory=lambda: ["政府网站"])
    gazette_on: date | None = None
    tag: str = ""
    index_no: str = ""
    links: dict[str, str] = field(default_factory=dict)


def full_name(unit: str) -> str:
    """The unit's name as it heads a document (中宁县财政局, 宁安镇人民政府)."""
    if unit == ORGANISER:
        return "中宁县人民政府办公室"
    return "中宁县" + unit[1:] if unit.startswith("县") else unit + "人民政府"


class _Gen:
    """Draws items; shared helpers for dates, lags and title slots."""

    def __init__(self, ctx: DemoContext, scenario: Scenario):
        self.ctx, self.rng, self.sc = ctx, ctx.rng, scenario
        self.items: list[Item] = []
        self.doc_numbers: dict[str, int] = {}
        self.year_days = workdays_between(date(YEAR, 1, 2), date(YEAR, 12, 28))

    def day_in(self, start: date, end: date) -> date:
        return self.rng.choice(workdays_between(start, end))

    def pub_day(self) -> date:
        month = weighted(self.rng, MONTH_WEIGHTS)
        return self.rng.choice([d for d in self.year_days if d.month == month])

    def lag(self, late_rate: float = 0.012) -> int:
        if self.rng.random() < late_rate:
            return self.rng.randint(22, 45)
        return weighted(self.rng, {0: 20, 1: 22, 2: 15, 3: 10, 4: 7, 5: 6,
                                   self.rng.randint(6, 10): 12, self.rng.randint(11, 19): 6})

    def doc_no(self, unit: str, county_level: bool = False) -> str:
        prefix = "宁政发" if county_level else doc_prefix(self.ctx.registry, unit)
        self.doc_numbers[prefix] = self.doc_numbers.get(prefix, 0) + self.rng.randint(1, 3)
        return f"{prefix}〔{YEAR}〕{self.doc_numbers[prefix]}号"

    def slots(self, unit: str, published: date) -> dict:
        rng = self.rng
        return {
            "unit": full_name(unit), "topic": rng.choice(TOPICS), "study": rng.choice(STUDY),
            "svc": rng.choice(SERVICES), "issue": rng.choice(ISSUES),
            "village": rng.choice([v for v in VILLAGES if v.startswith(unit)] or VILLAGES),
            "project": rng.choice(OTHER_PROJECTS),
            "m": published.month, "q": (published.month - 1) // 3 + 1, "n": rng.randint(1, 60),
            "town": rng.choice(self.sc.townships),
        }

    def add(self, unit, category, title, formed, published, **kw) -> Item:
        item = Item(unit=unit, category=category, title=title, formed=formed,
                    published=published, **kw)
        self.items.append(item)
        return item

    def generic(self, category: str, count: int, groups: list[tuple[float, object, list[str]]],
                doc_rate: float = 0.0, normative_rate: float = 0.0) -> None:
        """Draw ``count`` items; each group is (share, publishing units, title templates).

        Units are a name, a list (equal weights) or a dict of weights, so that county-level
        titles go to the county office and a land sale to the land bureau.
        """
        shares = {n: share for n, (share, _, _) in enumerate(groups)}
        for _ in range(count):
            _, units, titles = groups[weighted(self.rng, shares)]
            if isinstance(units, str):
                unit = units
            elif isinstance(units, dict):
                unit = weighted(self.rng, units)
            else:
                unit = self.rng.choice(units)
            published = self.pub_day()
            formed = sub_workdays(published, self.lag())
            title = self.rng.choice(titles).format(**self.slots(unit, published))
            normative = self.rng.random() < normative_rate
            doc = self.doc_no(unit, title.startswith("中宁县人民政府关于")) if (
                normative or self.rng.random() < doc_rate) else None
            self.add(unit, category, title, formed, published, doc_no=doc, normative=normative)


def _generate(ctx: DemoContext, sc: Scenario) -> _Gen:
    g = _Gen(ctx, sc)
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


def _budgets(g: _Gen) -> None:
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


def _audits(g: _Gen) -> None:
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


def _services(g: _Gen) -> None:
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


def _projects(g: _Gen) -> None:
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


def _proposals(g: _Gen) -> None:
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


def _gazette(g: _Gen) -> None:
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


def _assign(g: _Gen) -> None:
    """索引号 per publishing unit in order of publication, then channels and links."""
    rng, reg = g.rng, g.ctx.registry
    g.items.sort(key=lambda i: (i.published, i.formed, i.unit, i.title))
    seq: dict[str, int] = {}
    for item in g.items:
        code = f"{DIVISION}{reg.names().index(item.unit) + 1:03d}"
        seq[code] = seq.get(code, 0) + 1
        item.index_no = f"{code}/{YEAR}-{seq[code]:05d}"
        odds = CHANNEL_ODDS.get(item.category, (0.05, 0.02, 0.01, 0.0))
        for channel, p in zip(("政务微信", "政务微博", "移动客户端", "查阅点"), odds, strict=True):
            if rng.random() < p:
                item.channels.append(channel)
        if item.category == "政策解读" and rng.random() < 0.05:
            item.channels.append("新闻发布会")
        if item.gazette_on:
            item.channels.append("政府公报")
        item.links["政府网站"] = page_link(reg, item.unit, item.published, rng)
        item.links["政务微信"] = "https://mp.weixin.qq.com/s/" + "".join(
            rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_")
            for _ in range(22))
        item.links["政务微博"] = f"https://weibo.com/zhongningfabu/{rand_digits(rng, 16)}"


def _publisher(unit: str) -> str:
    return "中宁县" + unit[1:] if unit.startswith("县") else unit


def _cms_row(item: Item, channel: str) -> dict:
    on = item.gazette_on if channel == "政府公报" else item.published
    return {
        "索引号": item.index_no, "标题": item.title, "发布机构": _publisher(item.unit),
        "信息类别": item.category, "公开渠道": channel, "成文日期": item.formed.isoformat(),
        "发布日期": on.isoformat(), "文号": item.doc_no, "链接": item.links.get(channel),
        "规范性文件": "是" if item.normative else "否",
    }


def write_disclosures(ctx: DemoContext, scenario: Scenario) -> dict:
    """Write the CMS exports and the 政务微博 workbook; return what the manifest expects."""
    rng = ctx.rng
    g = _generate(ctx, scenario)
    plain = [n for n, i in enumerate(g.items)
             if i.category in ("其他", "社会公益事业", "公共资源配置") and not i.gazette_on]
    picked = sorted(rng.sample(plain, len(BAD_ROWS)), reverse=True)
    bad_items = [g.items.pop(n) for n in picked]
    for item in bad_items:
        item.published = g.day_in(date(YEAR, 7, 9), date(YEAR, 12, 14))
        item.formed = sub_workdays(item.published, rng.randint(0, 5))
        item.gazette_on = None
    _assign(g)
    # Bad rows get the next free 索引号 of their unit, as the CMS would have numbered them.
    used = {i.index_no for i in g.items}
    for item in bad_items:
        code = f"{DIVISION}{ctx.registry.names().index(item.unit) + 1:03d}"
        n = max(int(u[-5:]) for u in used if u.startswith(code)) + 1 if any(
            u.startswith(code) for u in used) else 1
        item.index_no = f"{code}/{YEAR}-{n:05d}"
        used.add(item.index_no)
        item.links["政府网站"] = page_link(ctx.registry, item.unit, item.published, rng)

    cms_rows = [(i, c) for i in g.items for c in i.channels if c != "政务微博"]
    half = date(YEAR, 6, 30)
    in_first = [(i.gazette_on if c == "政府公报" else i.published) <= half for i, c in cms_rows]
    first = [pair for pair, keep in zip(cms_rows, in_first, strict=True) if keep]
    second = [pair for pair, keep in zip(cms_rows, in_first, strict=True) if not keep]
    # The second export starts a little before July: its first ~100 rows repeat the first.
    overlap_from = half
    while sum(1 for i, _ in first if i.published >= overlap_from) < 95:
        overlap_from -= timedelta(days=1)
    repeated = [(i, c) for i, c in first if i.published >= overlap_from]
    second.sort(key=lambda pair: (pair[0].gazette_on if pair[1] == "政府公报"
                                  else pair[0].published, pair[0].index_no))

    t1 = Table(columns=list(COLUMNS))
    for item, channel in first:
        t1.add(_cms_row(item, channel))
    t2 = Table(columns=list(COLUMNS))
    body = [_cms_row(i, c) for i, c in repeated] + [_cms_row(i, c) for i, c in second]
    for row in body:
        t2.add(row)
    for item, (column, code, value) in zip(bad_items, BAD_ROWS, strict=True):
        row = _cms_row(item, "政府网站")
        row[column] = value
        position = next((n for n in range(len(repeated), len(t2.rows))
                         if t2.rows[n]["发布日期"] > row["发布日期"]), len(t2.rows))
        t2.rows.insert(position, row)
        t2.defects = [(i + 1 if i >= position else i, col, cd) for i, col, cd in t2.defects]
        t2.defects.append((position, column, code))
    f1 = write_file(ctx, SOURCE, "政府网站信息公开导出_2018年1-6月.csv", [t1],
                    sent_at=datetime(YEAR, 7, 3, 15, 20), encoding="utf-8-sig")
    f2 = write_file(ctx, SOURCE, "政府网站信息公开导出_2018年6-12月.csv", [t2],
                    sent_at=datetime(YEAR + 1, 1, 7, 10, 5), encoding="gb18030",
                    superseded_rows=0)
    ctx.totals(SOURCE)["superseded_rows"] += len(repeated)
    ctx.manifest["supersessions"].append({
        "kind": "reexported_ledger", "source": SOURCE, "superseded_file": f1, "by_file": f2,
        "key": ["索引号", "公开渠道"], "superseded_rows": len(repeated),
        "first_repeated_published_on": overlap_from.isoformat(),
    })

    weibo = Table(columns=list(WEIBO_COLUMNS), sheet="微博发布登记",
                  preamble=[["“中宁发布”政务微博2018年信息发布登记表"]], merges=["A1:H1"])
    for item in g.items:
        if "政务微博" in item.channels:
            row = _cms_row(item, "政务微博")
            row["发布机构"] = item.unit
            row["成文日期"] = fmt_date(item.formed, "cn")
            row["发布日期"] = item.published
            weibo.add(row)
    write_file(ctx, SOURCE, "政务微博发布登记（2018年）.xlsx", [weibo],
               sent_at=datetime(YEAR + 1, 1, 8, 9, 40))
    return _expected(g, scenario)


def _expected(g: _Gen, sc: Scenario) -> dict:
    items = g.items
    by_channel: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for item in items:
        by_category[item.category] = by_category.get(item.category, 0) + 1
        for channel in item.channels:
            by_channel[channel] = by_channel.get(channel, 0) + 1
    special = ("审计信息", "办事服务", "建议提案办理")
    late_general = [i.index_no for i in items if i.category not in special
                    and i.published > add_workdays(i.formed, 20)]
    showcase = {u: sorted(i.index_no for i in items if i.unit == u and i.category == "重大建设项目"
                          and i.published <= date(YEAR, 8, 31)) for u in sc.showcase_units}
    return {
        "items": len(items),
        "normative_items": sum(1 for i in items if i.normative),
        "items_by_channel": by_channel,
        "items_by_category": by_category,
        "gazette_first_published_on": min(i.gazette_on for i in items if i.gazette_on).isoformat(),
        "late_audit_disclosures": [i.index_no for i in items
                                   if i.category == "审计信息" and i.tag == "late"],
        "late_service_disclosures": [i.index_no for i in items
                                     if i.category == "办事服务" and i.tag == "late"],
        "late_general_disclosures": late_general,
        "showcase_projects_missing": [u for u, found in showcase.items() if not found],
        "head_interpretation_units_without_disclosure": [
            u for u in sc.departments
            if not any(i.unit == u and i.category == "政策解读" for i in items)],
    }
