"""年度填报指标: the yearly figures no ledger holds, as the office collects them.

Rows are per unit (docs/raw-formats.md): the division's figure is the sum over its units,
except where a row names the division itself, which is its explicit total. The office writes
the county-wide figures it holds itself (organisations, budgets, rules and normative
documents, decisions, fees) as the division's own rows — ``中宁县`` in 2018, ``全县`` in 2019,
both spellings the registry knows — and every unit reports its own reading points and staff,
which add up to the county's.
"""

from __future__ import annotations

from datetime import datetime

from pipelines.demo.common import DemoContext, Table
from pipelines.demo.scenario import ORGANISER, Scenario
from pipelines.demo.writers import write_file

SOURCE = "facts"
COLUMNS = ["年度", "单位", "指标", "数值", "备注"]
BAD_NUMBER = "3人"
# How the office names the division as a whole in its rows, by year.
DIVISION_SPELLING = {2018: "中宁县", 2019: "全县"}
READING_POINTS = {"县政务服务中心": "政务服务中心政府信息查阅点", "县档案局": "县档案馆政府信息查阅室",
                  "县文化旅游广电局": "县图书馆政府信息查阅点"}


def write_facts(ctx: DemoContext, scenario: Scenario, normative_items: int) -> dict:
    """Write the year's facts workbook; the county's 规范性文件制发件数 matches the disclosures.
    Returns the division's figures as the annual tables should show them."""
    rng, year = ctx.rng, ctx.year
    whole = DIVISION_SPELLING.get(year, "全县")
    # The office's count of the county's openness staff; the units' own rows add up to it.
    full_total, part_total = rng.randint(5, 8), rng.randint(76, 90)
    county = [
        ("专门机构数", len(scenario.units) + 1, "县政务公开办公室及各乡镇、部门明确的承办机构"),
        ("专项经费万元", round(rng.uniform(12, 25), 1), None),
        ("规章制发件数", 0, "县级无规章制定权"),
        ("规章废止件数", 0, None),
        ("规章现行有效件数", 0, None),
        ("规范性文件制发件数", normative_items, None),
        ("规范性文件废止件数", rng.randint(4, 9), f"{year}年规范性文件清理"),
        ("规范性文件现行有效件数", rng.randint(60, 90), None),
        ("行政许可处理决定数", rng.randint(6000, 9000), "全县政务服务事项办理系统统计"),
        ("行政处罚处理决定数", rng.randint(700, 1200), "全县行政执法信息平台统计"),
        ("行政强制处理决定数", rng.randint(30, 80), None),
        ("行政事业性收费万元", round(rng.uniform(2600, 3400), 2), None),
    ]
    units: list[tuple[str, str, float, str | None]] = [
        (unit, "查阅点数", 1, note) for unit, note in READING_POINTS.items()]
    units += _staff(rng, scenario, "专职人员数", full_total, {t: (0, 1) for t in scenario.townships})
    units += _staff(rng, scenario, "兼职人员数", part_total,
                    {u: (1, 2) for u in scenario.units if u != ORGANISER})
    # Units that also count their own decisions: the county's system already holds them, so
    # the division's row replaces their sum (the build says so in its log and in explain).
    units += [
        ("县政务服务中心", "行政许可处理决定数", rng.randint(3000, 4000), None),
        ("县市场监督管理局", "行政处罚处理决定数", rng.randint(250, 400), None),
        ("县公安局", "行政处罚处理决定数", rng.randint(300, 500), None),
    ]
    table = Table(columns=list(COLUMNS), sheet="年度指标",
                  preamble=[[f"中宁县{year}年政府信息公开工作年度填报指标"]], merges=["A1:E1"])
    for name, value, note in county:
        table.add({"年度": year, "单位": whole, "指标": name, "数值": value, "备注": note})
    bad_town = scenario.townships[0]
    counted: dict[str, float] = {}
    for unit, name, value, note in units:
        defects = None
        if (unit, name) == (bad_town, "兼职人员数"):
            value, defects = BAD_NUMBER, {"数值": "bad_number"}
        else:
            counted[name] = counted.get(name, 0) + value
        row = {"年度": year, "单位": ctx.written(unit), "指标": name, "数值": value, "备注": note}
        table.add(row, defects)
    write_file(ctx, SOURCE, f"{year}年度政务公开填报指标.xlsx", [table],
               sent_at=datetime(year + 1, 1, 9, 10, 0))
    totals = {name: value for name, value, _ in county}
    figures = {**totals, **{k: v for k, v in counted.items() if k not in totals}}
    return {"division_spelling": whole, "division_totals": sorted(totals), "county": figures}


def _staff(rng, scenario: Scenario, indicator: str, total: int,
           ranges: dict[str, tuple[int, int]]) -> list[tuple[str, str, float, None]]:
    """Each unit's own staff of one kind (a draw in its range), the office holding the rest
    of ``total``: the rows add up to the county's figure."""
    drawn = {u: rng.randint(*ranges[u]) for u in scenario.units if u in ranges}
    while sum(drawn.values()) > total - 1:
        largest = max(drawn, key=drawn.get)
        drawn[largest] -= 1
    rows = [(ORGANISER, indicator, total - sum(drawn.values()), None)]
    return rows + [(u, indicator, n, None) for u, n in drawn.items() if n]
