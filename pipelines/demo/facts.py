"""年度填报指标: the yearly figures no ledger holds, county totals plus some units' own."""

from __future__ import annotations

from datetime import datetime

from pipelines.demo.common import YEAR, DemoContext, Table
from pipelines.demo.scenario import ORGANISER, Scenario
from pipelines.demo.writers import write_file

SOURCE = "facts"
COLUMNS = ["年度", "单位", "指标", "数值", "备注"]
BAD_NUMBER = "3人"


def write_facts(ctx: DemoContext, scenario: Scenario, normative_items: int) -> dict:
    """Write the facts workbook; the county's 规范性文件制发件数 matches the disclosures."""
    rng = ctx.rng
    county = [
        ("专门机构数", len(scenario.units) + 1, "县政务公开办公室及各乡镇、部门明确的承办机构"),
        ("查阅点数", 3, "县档案馆、县图书馆、县政务服务中心"),
        ("专职人员数", rng.randint(5, 8), None),
        ("兼职人员数", rng.randint(76, 90), None),
        ("专项经费万元", round(rng.uniform(12, 25), 1), None),
        ("规章制发件数", 0, "县级无规章制定权"),
        ("规章废止件数", 0, None),
        ("规章现行有效件数", 0, None),
        ("规范性文件制发件数", normative_items, None),
        ("规范性文件废止件数", rng.randint(4, 9), "2018年规范性文件清理"),
        ("规范性文件现行有效件数", rng.randint(60, 90), None),
        ("行政许可处理决定数", rng.randint(6000, 9000), None),
        ("行政处罚处理决定数", rng.randint(700, 1200), None),
        ("行政强制处理决定数", rng.randint(30, 80), None),
        ("行政事业性收费万元", round(rng.uniform(2600, 3400), 2), None),
    ]
    units = [
        ("县政务服务中心", "行政许可处理决定数", rng.randint(3000, 4000)),
        ("县政务服务中心", "查阅点数", 1),
        ("县档案局", "查阅点数", 1),
        ("县文化旅游广电局", "查阅点数", 1),
        ("县市场监督管理局", "行政许可处理决定数", rng.randint(1500, 2500)),
        ("县市场监督管理局", "行政处罚处理决定数", rng.randint(250, 400)),
        ("县公安局", "行政处罚处理决定数", rng.randint(300, 500)),
        ("县公安局", "行政强制处理决定数", rng.randint(10, 30)),
        ("县环境保护局", "行政处罚处理决定数", rng.randint(30, 60)),
    ]
    for town in scenario.townships:
        units.append((town, "专职人员数", rng.randint(0, 1)))
        units.append((town, "兼职人员数", rng.randint(2, 4)))
    table = Table(columns=list(COLUMNS), sheet="年度指标",
                  preamble=[[f"中宁县{YEAR}年政府信息公开工作年度填报指标"]], merges=["A1:E1"])
    for name, value, note in county:
        table.add({"年度": YEAR, "单位": ORGANISER, "指标": name, "数值": value, "备注": note})
    bad_town = scenario.townships[0]
    for unit, name, value in units:
        defects = None
        if (unit, name) == (bad_town, "兼职人员数"):
            value, defects = BAD_NUMBER, {"数值": "bad_number"}
        table.add({"年度": YEAR, "单位": unit, "指标": name, "数值": value}, defects)
    write_file(ctx, SOURCE, f"{YEAR}年度政务公开填报指标.xlsx", [table],
               sent_at=datetime(YEAR + 1, 1, 9, 10, 0))
    return {"county": {name: value for name, value, _ in county}}
