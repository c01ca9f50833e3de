"""Units that change names (issue 14): the registry's history, resolution on each row's own
date, and continuity across the change, on files each test writes.

The shipped reference records the 2019 reform of 中宁县 (县国土资源局 → 县自然资源局 on
2019-04-01, line 2 of unit-changes.csv). The merge and the split are written into a test's own
reference folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import pytest
from conftest import (
    DIVISION,
    REQUEST_HEADER,
    build,
    check_results,
    frame,
    marts,
    return_rows,
    write_csv,
    write_xlsx,
)

from pipelines.reference.store import SHIPPED_REFERENCE
from pipelines.reference.units import load_registry

NO_PACK = dg.AssetSelection.all() - dg.AssetSelection.groups("reports")
RENAME = "县国土资源局已于2019年4月1日更名为县自然资源局（unit-changes.csv 第2行）"


def request(rid: str, received: str, unit: str, outcome: str | None, answered: str | None) -> list:
    """One row of the request ledger (REQUEST_HEADER's order)."""
    return [rid, received, "网络", "自然人", unit, outcome, answered, "张三", "", "", "", "", "否", ""]


def facts(rows: list[tuple[int, str, str, float]]) -> list[list]:
    """The yearly figures ledger."""
    return [["年度", "单位", "指标", "数值"], *[list(r) for r in rows]]


def own_reference(data_dir: Path, ended: dict[str, str], new_units: list[list[str]],
                  changes: list[list[str]]) -> Path:
    """The shipped 中宁县 reference with other changes: ``ended`` sets units' last day,
    ``new_units`` are added (unit, kind, aliases, valid_from), ``changes`` replace
    unit-changes.csv (date, kind, old_units, new_units, grace_until)."""
    folder = data_dir / "reference" / DIVISION
    shutil.copytree(SHIPPED_REFERENCE / DIVISION, folder)
    with (folder / "units.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if not r["valid_from"]]
    for row in rows:
        row["valid_to"] = ended.get(row["unit"], "")
    rows += [dict(zip(["unit", "kind", "aliases", "valid_from", "valid_to"], [*u, ""], strict=True))
             for u in new_units]
    with (folder / "units.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, ["unit", "kind", "aliases", "valid_from", "valid_to"])
        writer.writeheader()
        writer.writerows(rows)
    write_csv(folder / "unit-changes.csv",
              [["date", "kind", "old_units", "new_units", "grace_until", "source", "verified"],
               *[[*c, "测试", "是"] for c in changes]], encoding="utf-8")
    return folder


# --- resolution on a date (the registry alone) -------------------------------------------


def test_a_rename_resolves_each_name_in_its_own_period(registry):
    before, after = dt.date(2019, 3, 31), dt.date(2019, 4, 1)
    assert registry.resolve_during("县国土局", before).unit == "县国土资源局"
    assert registry.resolve_during("中宁县自然资源局", after).unit == "县自然资源局"
    old_after = registry.resolve_during("县国土资源局", after)
    assert old_after.unit is None
    assert old_after.reason == f"单位名称“县国土资源局”在2019年4月1日已停用：{RENAME}，请写县自然资源局"
    new_before = registry.resolve_during("自然资源局", dt.date(2019, 3, 1), dt.date(2019, 3, 31))
    assert new_before.reason == ("单位名称“自然资源局”（县自然资源局）在2019年3月尚未启用："
                                 f"{RENAME}，此前请写县国土资源局")
    # a yearly figure of 2019 may name either: both names were in force that year
    assert registry.resolve_during("县国土资源局", dt.date(2019, 1, 1), dt.date(2019, 12, 31)).unit \
        == "县国土资源局"
    assert registry.current("县国土资源局") == "县自然资源局"
    assert registry.name_on("县国土资源局", after) == "县自然资源局"
    assert "县自然资源局" not in registry.names("部门", on=before)
    assert "县国土资源局" not in registry.names("部门", on=after)


def test_a_grace_period_accepts_the_old_name_for_the_successor(data_dir):
    folder = own_reference(data_dir, {"县国土资源局": "2019-03-31"},
                           [["县自然资源局", "部门", "", "2019-04-01"]],
                           [["2019-04-01", "rename", "县国土资源局", "县自然资源局", "2019-06-30"]])
    reg = load_registry(folder)
    assert reg.resolve_during("县国土局", dt.date(2019, 6, 30)).unit == "县自然资源局"
    late = reg.resolve_during("县国土局", dt.date(2019, 7, 1))
    assert late.unit is None and "已于2019年4月1日更名为县自然资源局" in late.reason


# --- the cross-change test on the shipped registry -------------------------------------


@pytest.fixture(scope="module")
def across_the_change(tmp_path_factory):
    """2018 and 2019 returns of the same task, a request ledger of 2018 and one of 2021, and
    two files that use the old name after the change; built at 2022-01-10."""
    data_dir = tmp_path_factory.mktemp("across")
    raw = data_dir / "raw" / DIVISION
    write_xlsx(raw / "returns" / "国土2018-07.xlsx", return_rows(
        "县国土资源局", "2018年7月", "2018年8月3日", [["2.2.2", "", "推进中", None, None, None, None]]))
    write_xlsx(raw / "returns" / "自然资源2019-05.xlsx", return_rows(
        "县自然资源局", "2019年5月", "2019年6月3日",
        [["2.2.2", "", "已完成", "2019-05-20", None, "http://www.znzf.gov.cn/zrzy/1", None]]))
    # the old name on a return of a month after the change: refused whole, naming the change
    write_xlsx(raw / "returns" / "国土2019-06.xlsx", return_rows(
        "县国土资源局", "2019年6月", "2019年7月3日",
        [["2.2.2", "", "已完成", "2019-05-20", None, None, None]]))
    write_csv(raw / "requests" / "台账2018.csv", [REQUEST_HEADER,
        request("YSQ-2018-001", "2018-08-01", "县国土局", "同意公开", "2018-08-10")])
    write_csv(raw / "requests" / "台账2021.csv", [REQUEST_HEADER,
        request("YSQ-2021-001", "2021-03-01", "县自然资源局", "予以公开", "2021-03-10"),
        request("YSQ-2021-002", "2021-04-01", "县国土资源局", "予以公开", "2021-04-12")])
    build(data_dir, as_of="2022-01-10", selection=NO_PACK)
    with marts(data_dir) as con:
        yield con


def test_nothing_that_should_resolve_is_quarantined(across_the_change):
    q = frame(across_the_change, "SELECT source, file, row_number, column_name, reason FROM quarantine "
                                 "ORDER BY source, file")
    assert q.to_dict("records") == [
        {"source": "requests", "file": "raw/640521/requests/台账2021.csv", "row_number": 3,
         "column_name": "受理单位",
         "reason": f"单位名称“县国土资源局”在2021年4月1日已停用：{RENAME}，请写县自然资源局"},
        {"source": "returns", "file": "raw/640521/returns/国土2019-06.xlsx", "row_number": 2,
         "column_name": "报送单位",
         "reason": "整个文件未导入：“报送单位”的值“县国土资源局”有误：单位名称“县国土资源局”在2019年6月"
                   f"已停用：{RENAME}，请写县自然资源局"},
    ]


def test_the_carried_over_task_has_one_status_line(across_the_change):
    rows = frame(across_the_change, """
        SELECT year, unit, unit_current, status, last_period, completed_on, state
        FROM task_status WHERE task_code = '2.2.2' AND unit_current = '县自然资源局' ORDER BY year""")
    assert rows.to_dict("records") == [
        {"year": 2018, "unit": "县国土资源局", "unit_current": "县自然资源局", "status": "推进中",
         "last_period": "2018-07", "completed_on": None, "state": "overdue"},
        {"year": 2019, "unit": "县国土资源局", "unit_current": "县自然资源局", "status": "已完成",
         "last_period": "2019-05", "completed_on": dt.date(2019, 5, 20), "state": "done_on_time"},
    ]
    # the successor is no second assignee of the task: the office appears once
    assert frame(across_the_change, """
        SELECT count(*) AS n FROM task_status WHERE unit = '县自然资源局'""")["n"][0] == 0
    # the months after the change are due from the successor, and its May return counts
    periods = frame(across_the_change, """
        SELECT period, unit, result FROM return_periods
        WHERE unit_current = '县自然资源局' AND period IN ('2018-07', '2019-05', '2019-06')
        ORDER BY period""")
    assert periods.to_dict("records") == [
        {"period": "2018-07", "unit": "县国土资源局", "result": "on_time"},
        {"period": "2019-05", "unit": "县自然资源局", "result": "on_time"},
        {"period": "2019-06", "unit": "县自然资源局", "result": "missing"},
    ]


def test_each_years_annual_table_names_the_unit_of_that_year(across_the_change):
    units = frame(across_the_change, """
        SELECT year, unit, unit_current FROM annual_report
        WHERE unit_current = '县自然资源局' GROUP BY ALL ORDER BY year""")
    assert units.to_dict("records") == [
        {"year": 2018, "unit": "县国土资源局", "unit_current": "县自然资源局"},
        {"year": 2021, "unit": "县自然资源局", "unit_current": "县自然资源局"},
    ]
    received = frame(across_the_change, """
        SELECT year, unit, value FROM annual_report
        WHERE unit_current = '县自然资源局' AND template IN ('2008', '2021')
          AND ((template = '2008' AND row_code = '3.1') OR (template = '2021' AND table_code = '3'
               AND row_code = '1' AND col_code = 'total'))
        ORDER BY year""")
    assert received.to_dict("records") == [
        {"year": 2018, "unit": "县国土资源局", "value": 1.0},
        {"year": 2021, "unit": "县自然资源局", "value": 1.0},
    ]
    requests = frame(across_the_change, "SELECT request_id, unit, unit_current FROM requests ORDER BY 1")
    assert requests.to_dict("records") == [
        {"request_id": "YSQ-2018-001", "unit": "县国土资源局", "unit_current": "县自然资源局"},
        {"request_id": "YSQ-2021-001", "unit": "县自然资源局", "unit_current": "县自然资源局"},
    ]


# --- a merge and a split, in a reference of the test's own ---------------------------------


@pytest.fixture(scope="module")
def merge_and_split(tmp_path_factory):
    """县林业局 and 县水务局 merge into 县水利林业局; 县教育体育局 splits into 县教育局 (which
    carries on) and 县体育局; both on 2019-04-01. Built at 2020-01-10."""
    data_dir = tmp_path_factory.mktemp("merge_split")
    own_reference(
        data_dir,
        {"县林业局": "2019-03-31", "县水务局": "2019-03-31", "县教育体育局": "2019-03-31"},
        [["县水利林业局", "部门", "水利林业局", "2019-04-01"], ["县教育局", "部门", "教育局", "2019-04-01"],
         ["县体育局", "部门", "体育局", "2019-04-01"]],
        [["2019-04-01", "merge", "县林业局|县水务局", "县水利林业局", ""],
         ["2019-04-01", "split", "县教育体育局", "县教育局|县体育局", ""]])
    raw = data_dir / "raw" / DIVISION
    write_csv(raw / "facts" / "指标.csv", facts([
        (2018, "县林业局", "专职人员数", 2), (2018, "县水务局", "专职人员数", 3),
        (2019, "县水利林业局", "专职人员数", 4), (2018, "县教育体育局", "专职人员数", 6),
        (2019, "县教育局", "专职人员数", 4), (2019, "县体育局", "专职人员数", 1)]))
    write_csv(raw / "requests" / "台账2019.csv", [REQUEST_HEADER,
        request("YSQ-2019-001", "2019-02-11", "县林业局", "予以公开", "2019-02-20"),
        request("YSQ-2019-002", "2019-06-03", "县水利林业局", "予以公开", "2019-06-10"),
        request("YSQ-2019-003", "2019-06-04", "县教育体育局", "予以公开", "2019-06-11"),
        request("YSQ-2019-004", "2019-06-05", "县体育局", "予以公开", "2019-06-12")])
    write_xlsx(raw / "returns" / "教育2019-05.xlsx", return_rows(
        "县教育局", "2019年5月", "2019年6月3日", [["4.1", "", "推进中", None, None, None, None]]))
    build(data_dir, as_of="2020-01-10", selection=NO_PACK)
    with marts(data_dir) as con:
        yield con


def test_a_merge_sums_its_predecessors_year_over_year(merge_and_split):
    yoy = frame(merge_and_split, """
        SELECT year, unit_current, sum(value) AS value, string_agg(DISTINCT unit, '、' ORDER BY unit) AS units
        FROM facts WHERE unit_current = '县水利林业局' GROUP BY ALL ORDER BY year""")
    assert yoy.to_dict("records") == [
        {"year": 2018, "unit_current": "县水利林业局", "value": 5.0, "units": "县林业局、县水务局"},
        {"year": 2019, "unit_current": "县水利林业局", "value": 4.0, "units": "县水利林业局"},
    ]
    # 2019's table of the merged unit holds the predecessor's request of February
    sources = frame(merge_and_split, """
        SELECT DISTINCT unit, record_id, record_unit FROM annual_report_sources
        WHERE source = 'requests' AND year = 2019 AND unit IS NOT NULL ORDER BY record_id""")
    assert sources.to_dict("records") == [
        {"unit": "县水利林业局", "record_id": "YSQ-2019-001", "record_unit": "县林业局"},
        {"unit": "县水利林业局", "record_id": "YSQ-2019-002", "record_unit": "县水利林业局"},
        {"unit": "县体育局", "record_id": "YSQ-2019-004", "record_unit": "县体育局"},
    ]
    tables = frame(merge_and_split, """
        SELECT year, string_agg(DISTINCT unit, '、' ORDER BY unit) AS units FROM annual_report
        WHERE unit IN ('县林业局', '县水务局', '县水利林业局') GROUP BY ALL ORDER BY year""")
    assert tables.to_dict("records") == [
        {"year": 2018, "units": "县林业局、县水务局"}, {"year": 2019, "units": "县水利林业局"}]


def test_a_split_refuses_the_old_name_and_carries_on_with_the_first_successor(merge_and_split):
    q = frame(merge_and_split, "SELECT column_name, value_preview, reason FROM quarantine")
    assert q.to_dict("records") == [{
        "column_name": "受理单位", "value_preview": "县教育体育局",
        "reason": "单位名称“县教育体育局”在2019年6月4日已停用：县教育体育局已于2019年4月1日拆分为"
                  "县教育局、县体育局（unit-changes.csv 第3行），请写县教育局或县体育局"}]
    lineage = frame(merge_and_split, """
        SELECT unit, unit_current FROM ref_unit_lineage
        WHERE unit IN ('县教育体育局', '县体育局', '县林业局', '县水务局') ORDER BY unit""")
    assert dict(zip(lineage["unit"], lineage["unit_current"], strict=True)) == {
        "县教育体育局": "县教育局", "县体育局": "县体育局", "县林业局": "县水利林业局",
        "县水务局": "县水利林业局"}
    status = frame(merge_and_split, """
        SELECT unit, unit_current, status, last_period FROM task_status
        WHERE year = 2019 AND task_code = '4.1' AND unit_current = '县教育局'""")
    assert status.to_dict("records") == [
        {"unit": "县教育体育局", "unit_current": "县教育局", "status": "推进中", "last_period": "2019-05"}]


# --- the registry's checks -------------------------------------------------------------------


def test_the_registry_suite_blocks_gaps_overlaps_cycles_and_ambiguous_aliases(data_dir):
    own_reference(
        data_dir,
        # 县林业局 ends a day early (a gap); 县水务局 never ends (an overlap)
        {"县林业局": "2019-03-30"},
        [["县甲局", "部门", "水务局", "2019-04-01"], ["县乙局", "部门", "", "2019-04-01"],
         ["县生态局", "部门", "林业局", "2019-04-01"]],
        [["2019-04-01", "rename", "县林业局", "县生态局", ""],
         ["2019-04-01", "rename", "县水务局", "县甲局", ""],
         ["2019-04-01", "rename", "县甲局", "县乙局", ""],
         ["2019-04-01", "rename", "县乙局", "县甲局", ""]])
    result = build(data_dir, as_of="2019-12-31", selection=NO_PACK, expect_success=False)
    assert not result.success
    check = check_results(result)["gx_unit_registry"]
    assert not check.passed
    failed = {f["说明"]: (f["不符合行数"], sorted(f["示例"]))
              for f in check.metadata["failures"].value}
    change = "{}：第{}行变更于 2019-04-01 生效，原单位的有效期却".format
    overlap = "延续到变更之后（重叠）"
    alias = "别名“中宁县水务局”在有效期重叠的时段同时指{0}和{1}；别名“水务局”在有效期重叠的时段同时指{0}和{1}"
    assert failed == {
        "名称有效期与变更记录衔接：无缺口、无重叠（原单位止于变更前一日，新单位自变更日起）": (4, [
            change("县乙局", 5) + overlap, change("县林业局", 2) + "在 2019-03-30 就已结束（缺口）",
            change("县水务局", 3) + overlap, change("县甲局", 4) + overlap]),
        "变更链无循环：每个单位都能追溯到今天的承继单位": (3, [
            "变更链回到了自身：县乙局 → 县甲局 → 县乙局",
            "变更链回到了自身：县水务局 → 县甲局 → 县乙局 → 县甲局",
            "变更链回到了自身：县甲局 → 县乙局 → 县甲局"]),
        "任何日期每个名称、别名只对应一个单位": (2, [
            alias.format("县水务局", "县甲局"), alias.format("县甲局", "县水务局")]),
    }
    # nothing below the registry ran: no marts were published from it
    assert not (data_dir / "marts" / "gongkai.duckdb").exists()


def test_notebooks_and_pack_show_one_line_per_office(across_the_change):
    from pipelines.notebooks.analysis.progress import states_by_unit, task_states
    from pipelines.pack.load import SQL as PACK_SQL

    office = "县自然资源局（原县国土资源局）"
    for year in (2018, 2019):
        by_unit = states_by_unit(across_the_change, DIVISION, year)
        assert office in set(by_unit["unit"])
        assert not {"县国土资源局", "县自然资源局"} & set(by_unit["unit"])
        states = task_states(across_the_change, DIVISION, year)
        assert set(states.loc[states["task_code"] == "2.2.2", "unit"]) >= {office}
        returns = PACK_SQL.frame(across_the_change, "returns", {"division": DIVISION, "year": year})
        assert set(returns.loc[returns["unit"].str.contains("自然资源"), "unit"]) == {office}
    # the 2019 return of May is the office's, on time
    returns = PACK_SQL.frame(across_the_change, "returns", {"division": DIVISION, "year": 2019})
    may = returns[(returns["unit"] == office) & (returns["period"] == "2019-05")]
    assert list(may["result"]) == ["on_time"]
