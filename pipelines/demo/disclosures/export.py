"""The CMS's side: 索引号, channels and links of every item, the year's two CSV exports (the
second repeating the first's last ~100 rows) and the 政务微博 workbook. The CMS upgraded in 2019
exports no 规范性文件 column (the story's ``cms_normative_column``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pipelines.demo.common import DemoContext, Table, fmt_date, page_link, rand_digits
from pipelines.demo.disclosures.categories import draw_items
from pipelines.demo.disclosures.defects import number_bad_items, plant_bad_rows, take_bad_items
from pipelines.demo.disclosures.expected import expected
from pipelines.demo.disclosures.items import Item, ItemDrawer, index_prefix
from pipelines.demo.scenario import Scenario
from pipelines.demo.writers import write_file

SOURCE = "disclosures"
COLUMNS = ["索引号", "标题", "发布机构", "信息类别", "公开渠道", "成文日期", "发布日期", "文号", "链接",
           "规范性文件"]
WEIBO_COLUMNS = ["索引号", "标题", "发布机构", "信息类别", "公开渠道", "成文日期", "发布日期", "链接"]
# Extra channels besides the website, per category: (政务微信, 政务微博, 移动客户端, 查阅点).
CHANNEL_ODDS = {
    "政策文件": (0.2, 0.05, 0.03, 0.1), "规范性文件": (0.2, 0.05, 0.03, 0.3),
    "政策解读": (0.6, 0.3, 0.08, 0.0), "舆情回应": (0.8, 0.7, 0.1, 0.0),
    "人事信息": (0.5, 0.1, 0.05, 0.0), "社会公益事业": (0.25, 0.05, 0.03, 0.05),
    "办事服务": (0.2, 0.03, 0.05, 0.05), "其他": (0.3, 0.08, 0.03, 0.0),
}


def _assign(g: ItemDrawer) -> None:
    """索引号 per publishing unit in order of publication, then channels and links."""
    rng, reg = g.rng, g.ctx.registry
    g.items.sort(key=lambda i: (i.published, i.formed, i.unit, i.title))
    seq: dict[str, int] = {}
    for item in g.items:
        code = index_prefix(reg, item.unit)
        seq[code] = seq.get(code, 0) + 1
        item.index_no = f"{code}/{g.year}-{seq[code]:05d}"
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


def _publisher(ctx: DemoContext, unit: str, day: date) -> str:
    unit = ctx.written(unit, day)
    return "中宁县" + unit[1:] if unit.startswith("县") else unit


def _cms_row(ctx: DemoContext, item: Item, channel: str) -> dict:
    on = item.gazette_on if channel == "政府公报" else item.published
    return {
        "索引号": item.index_no, "标题": item.title, "发布机构": _publisher(ctx, item.unit, on),
        "信息类别": item.category, "公开渠道": channel, "成文日期": item.formed.isoformat(),
        "发布日期": on.isoformat(), "文号": item.doc_no, "链接": item.links.get(channel),
        "规范性文件": "是" if item.normative else "否",
    }


def write_disclosures(ctx: DemoContext, scenario: Scenario) -> dict:
    """Write the CMS exports and the 政务微博 workbook; return what the manifest expects."""
    g = draw_items(ctx, scenario)
    bad_items = take_bad_items(g)
    _assign(g)
    number_bad_items(g, bad_items)

    year = ctx.year
    columns = [c for c in COLUMNS if c != "规范性文件" or ctx.story.cms_normative_column]
    cms_rows = [(i, c) for i in g.items for c in i.channels if c != "政务微博"]
    half = date(year, 6, 30)
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

    t1 = Table(columns=list(columns))
    for item, channel in first:
        t1.add(_cms_row(ctx, item, channel))
    t2 = Table(columns=list(columns))
    body = [_cms_row(ctx, i, c) for i, c in repeated] + [_cms_row(ctx, i, c) for i, c in second]
    for row in body:
        t2.add(row)
    plant_bad_rows(t2, [_cms_row(ctx, item, "政府网站") for item in bad_items], len(repeated),
                   ctx.story.bad_cms_rows)
    f1 = write_file(ctx, SOURCE, f"政府网站信息公开导出_{year}年1-6月.csv", [t1],
                    sent_at=datetime(year, 7, 3, 15, 20), encoding="utf-8-sig")
    f2 = write_file(ctx, SOURCE, f"政府网站信息公开导出_{year}年6-12月.csv", [t2],
                    sent_at=datetime(year + 1, 1, 7, 10, 5), encoding="gb18030",
                    superseded_rows=0)
    ctx.totals(SOURCE)["superseded_rows"] += len(repeated)
    ctx.manifest["supersessions"].append({
        "kind": "reexported_ledger", "source": SOURCE, "superseded_file": f1, "by_file": f2,
        "key": ["索引号", "公开渠道"], "superseded_rows": len(repeated),
        "first_repeated_published_on": overlap_from.isoformat(),
    })

    weibo = Table(columns=list(WEIBO_COLUMNS), sheet="微博发布登记",
                  preamble=[[f"“中宁发布”政务微博{year}年信息发布登记表"]], merges=["A1:H1"])
    for item in g.items:
        if "政务微博" in item.channels:
            row = _cms_row(ctx, item, "政务微博")
            row["发布机构"] = ctx.written(item.unit, item.published)
            row["成文日期"] = fmt_date(item.formed, "cn")
            row["发布日期"] = item.published
            weibo.add(row)
    write_file(ctx, SOURCE, f"政务微博发布登记（{year}年）.xlsx", [weibo],
               sent_at=datetime(year + 1, 1, 8, 9, 40))
    return expected(g, scenario)
