"""The facts readers need are in the marts, computed once: the division's names
(``ref_divisions``), the plan's section headings (``plan_tasks``), the report years
(``report_years``), the monthly returns (``return_periods``) and the statutory limits
(``requests.limit_days``). The pack and the notebooks read them and nothing else."""

from __future__ import annotations

import ast
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import marts

from pipelines.annual.identities import broken_identities
from pipelines.demo import DEMO_AS_OF
from pipelines.notebooks.analysis import division_name, periods, progress
from pipelines.pack.load import load_pack, pack_targets, report_years
from pipelines.reference.assets import division_row, whole_label
from pipelines.reference.store import SHIPPED_REFERENCE, ReferenceStore
from pipelines.settings import Settings

DIVISION, YEAR = "640521", 2018
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def con(demo):
    data_dir, *_ = demo
    connection = marts(data_dir)
    yield connection
    connection.close()


# --- the division's names -------------------------------------------------------------------

def test_ref_divisions_holds_the_names_and_the_whole_division_label(con):
    assert con.execute("SELECT * FROM ref_divisions").fetchall() == [
        (DIVISION, "中宁县", "县", "县政府办公室", "全县")]
    # the annual tables name the whole division by the same label
    labels = con.execute("SELECT DISTINCT unit_label FROM annual_report WHERE unit IS NULL").fetchall()
    assert labels == [("全县",)]
    assert division_name(con, DIVISION) == "中宁县" and division_name(con, "999999") == "999999"


@pytest.mark.parametrize(("division", "name", "prefix", "label"), [
    ("640521", "中宁县", "县", "全县"),
    ("640302", "利通区", "区", "全区"),
    ("640381", "青铜峡市", None, "青铜峡市全域"),
    ("640599", None, None, "640599全域"),
])
def test_one_rule_names_the_whole_division(division, name, prefix, label):
    assert whole_label(division, name, prefix) == label


def test_a_division_without_reference_data_still_has_a_row(tmp_path):
    row = division_row(ReferenceStore(tmp_path), "640599")
    assert row == {"division": "640599", "name": None, "short_prefix": None, "office": None,
                   "whole_label": "640599全域"}
    assert division_row(ReferenceStore(tmp_path), DIVISION)["whole_label"] == "全县"  # shipped


def test_identities_name_the_whole_division_from_the_marts(demo, tmp_path):
    """An annual_report without unit_label (the contract's columns only) still gets 全县 from
    ref_divisions, not from a reference file or the environment."""
    data_dir, *_ = demo
    db = tmp_path / "marts.duckdb"
    shutil.copyfile(data_dir / "marts" / "divisions" / f"{DIVISION}.duckdb", db)  # tables, not views
    edit = duckdb.connect(str(db))
    try:
        edit.execute("""CREATE OR REPLACE TABLE annual_report AS
                        SELECT division, unit, year, template, table_code, row_code, col_code, label,
                               CASE WHEN row_code = '3.1' AND unit IS NULL THEN value + 1 ELSE value END
                                   AS value, measure_unit
                        FROM annual_report WHERE year = 2018""")
        messages = [b.message for b in broken_identities(edit)]
    finally:
        edit.close()
    assert messages and all(m.startswith("640521 2018 全县 统计表 ") for m in messages)


# --- section headings -----------------------------------------------------------------------

def test_plan_tasks_carry_the_section_title_and_heading(con):
    catalogue = json.loads((SHIPPED_REFERENCE / DIVISION / "plan-2018.json").read_text(encoding="utf-8"))
    expected = {(t["code"], t["section_title"]) for t in catalogue["tasks"]}
    rows = con.execute("SELECT task_code, section_title FROM plan_tasks WHERE year = 2018").fetchall()
    assert set(rows) == expected
    sections = con.execute("SELECT DISTINCT section, section_label FROM plan_tasks WHERE year = 2018 "
                           "ORDER BY 1").fetchall()
    assert len(sections) == 7
    assert sections[0] == ("1", "一、围绕建设法治政府,深入推进“五公开”")
    assert sections[6] == ("7", "七、推进政务公开制度规范化,夯实工作基础")
    assert progress.section_labels(con, DIVISION, YEAR) == dict(sections)


# --- report years ---------------------------------------------------------------------------

def test_report_years_lists_plan_and_annual_years_with_their_template(con):
    assert con.execute("SELECT * FROM report_years").fetchall() == [
        (DIVISION, 2018, "2008", "政府信息公开情况统计表（国办发〔2014〕32号时期模板）", True, True),
        (DIVISION, 2019, "2019", "政府信息公开工作年度报告格式（2019）（国办公开办函〔2019〕60号）",
         True, True),
    ]
    # the pack and the notebooks take their years from it
    assert pack_targets(con) == [(DIVISION, 2018), (DIVISION, 2019)]
    assert periods(con) == [(DIVISION, 2018), (DIVISION, 2019)]
    assert periods(con, plans_only=True) == [(DIVISION, 2018), (DIVISION, 2019)]
    assert [r.template for r in report_years(con, DIVISION)] == ["2008", "2019"]


# --- monthly returns ------------------------------------------------------------------------

def test_return_periods_judge_every_unit_and_month_due(con):
    counts = dict(con.execute("SELECT result, count(*) FROM return_periods WHERE year = 2018 "
                              "GROUP BY ALL").fetchall())
    units = con.execute("SELECT count(DISTINCT unit) FROM plan_task_units").fetchone()[0]
    # 2018-06 … 2018-12 are due by 2019-01-05, 2019-04 … 2019-12 by 2020-01-05: all before the
    # demo's as-of date 2020-01-10
    assert units == 41 and counts == {"on_time": 285, "late": 1, "missing": 1}
    assert con.execute("SELECT unit, period, due_on, submitted_on, result FROM return_periods "
                       "WHERE result <> 'on_time' AND year = 2018 ORDER BY period").fetchall() == [
        ("大战场镇", "2018-08", dt.date(2018, 9, 5), None, "missing"),
        ("县民政局", "2018-09", dt.date(2018, 10, 5), dt.date(2018, 10, 15), "late"),
    ]
    assert con.execute("SELECT year, min(period), max(period), count(DISTINCT period) FROM return_periods "
                       "GROUP BY 1 ORDER BY 1").fetchall() == [(2018, "2018-06", "2018-12", 7),
                                                              (2019, "2019-04", "2019-12", 9)]


def test_the_plan_metric_and_the_pack_read_the_same_returns(demo, con):
    data_dir, *_ = demo
    shortfalls = con.execute("SELECT shortfalls FROM plan_metrics WHERE metric = 'returns_on_time' "
                             "AND year = 2018").fetchone()[0]
    assert shortfalls == ["大战场镇 2018-08 未报送", "县民政局 2018-09 迟报（2018-10-15，截止 2018-10-05）"]
    pack = load_pack(con, Settings(data_dir=data_dir, as_of=DEMO_AS_OF), DIVISION, YEAR)
    # the pack names each office by today's name and its former one (ref_unit_lineage)
    mart = con.execute("SELECT coalesce(l.office_label, r.unit) AS unit, r.period, r.result "
                       "FROM return_periods r LEFT JOIN ref_unit_lineage l USING (division, unit) "
                       "WHERE r.year = 2018 ORDER BY r.period, 1").df()
    assert "县自然资源局（原县国土资源局）" in set(mart["unit"])
    pd.testing.assert_frame_equal(pack.returns[["unit", "period", "result"]], mart)
    assert pack.division_name == "中宁县" and pack.whole == "全县"
    assert pack.section_labels == progress.section_labels(con, DIVISION, YEAR)
    assert pack.template_name == "政府信息公开情况统计表（国办发〔2014〕32号时期模板）"


# --- statutory limits -----------------------------------------------------------------------

def test_requests_carry_their_limits_in_working_days(con):
    rows = con.execute("""
        SELECT count(*),
               count(*) FILTER (WHERE limit_days = working_days_between(clock_start_on, due_on)),
               count(*) FILTER (WHERE final_limit_days = working_days_between(clock_start_on, final_due_on)),
               count(*) FILTER (WHERE final_limit_days > limit_days),
               list(DISTINCT limit_days)
        FROM requests""").fetchone()
    total, limit_ok, final_ok, extended, limits = rows
    # 2018 and up to 2019-05-14: 15 working days (2008 条例); from 2019-05-15: 20 (2019 条例)
    assert total == limit_ok == final_ok and extended == 2 and sorted(limits) == [15, 20]
    assert con.execute("SELECT max(received_on) FILTER (WHERE limit_days = 15), "
                       "min(received_on) FILTER (WHERE limit_days = 20) FROM requests").fetchone() == (
        dt.date(2019, 5, 14), dt.date(2019, 5, 15))


# --- readers open no reference file ---------------------------------------------------------

READERS = [ROOT / "pipelines" / "pack" / "load.py",
           *sorted((ROOT / "pipelines" / "notebooks" / "analysis").glob("*.py"))]


@pytest.mark.parametrize("path", READERS, ids=[p.name for p in READERS])
def test_readers_take_facts_from_the_marts_only(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not imported & {"ReferenceStore", "store_for", "load_templates", "division_info"}
    text = path.read_text(encoding="utf-8")
    assert "division.json" not in text and "plan-{" not in text and "working_days_between" not in text
