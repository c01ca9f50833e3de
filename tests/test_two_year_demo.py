"""The two-year demo (2018 and 2019, judged at 2020-01-10): both packs full, 2019 in template
2019 with its 同比 against 2018, and the issue-12 rules visible in the demo's own figures."""

from __future__ import annotations

import datetime as dt

import duckdb
import nbformat
import pytest
from conftest import marts
from test_pack import CHARTS

from pipelines.demo import DEMO_AS_OF
from pipelines.notebooks.run import run_notebook
from pipelines.pack.load import load_pack
from pipelines.settings import Settings

DIVISION = "640521"


@pytest.fixture(scope="module")
def packs(demo):
    data_dir, *_ = demo
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        # the environment's date is not the pack's: the build's, 2020-01-10, is
        settings = Settings(data_dir=data_dir, as_of=dt.date(2031, 7, 1))
        return {y: load_pack(con, settings, DIVISION, y) for y in (2018, 2019)}
    finally:
        con.close()


def test_both_years_are_full_packs(packs, demo):
    data_dir, *_ = demo
    assert packs[2018].template.template == "2008" and packs[2019].template.template == "2019"
    # every chart of the pack; the year-on-year one only where an earlier year is in the data
    assert [c.name for c in packs[2018].charts] == [n for n in CHARTS if n != "11-主要指标年度对比"]
    assert [c.name for c in packs[2019].charts] == list(CHARTS)
    for pack in packs.values():
        assert pack.as_of == DEMO_AS_OF
        assert not pack.refused_tables and pack.sheets
        assert not pack.task_status.empty and not pack.plan_metrics.empty and not pack.requests.empty
    con = marts(data_dir)
    years = con.execute("SELECT year, template, has_plan, has_annual FROM report_years ORDER BY 1").fetchall()
    assert years == [(2018, "2008", True, True), (2019, "2019", True, True)]


def test_2019_key_figures_compare_with_2018_across_the_template_change(packs):
    fig18, fig19 = packs[2018].figures, packs[2019].figures
    # 2008's 收到申请 (row 3.1) and 2019's 本年新收 (table 三 row 1) measure the same: compared
    received = fig19["requests_received"]
    assert received.label == "本年新收政府信息公开申请"
    assert fig18["requests_received"].label == "收到政府信息公开申请"
    assert received.value == 72 and received.previous == 60
    assert received.yoy == "同比增加12件（增长20.0%）"
    assert fig19["disclosed"].previous == fig18["disclosed"].value
    assert fig19["requests_closed"].previous == fig18["requests_closed"].value  # 3.7 vs 3.2
    # 2008's 按时办结 (base deadline) is not 2019's 按期答复 (final deadline): not compared
    assert fig19["requests_on_time"].previous is None
    assert fig19["requests_carried_in"].value == 5  # 2018's requests still open on 1 January 2019


def test_the_rules_show_in_the_demo(demo):
    data_dir, *_ = demo
    con = marts(data_dir)
    # 1. the 2019 CMS export has no 规范性文件 column; its 规范性文件 items still count
    published = con.execute("SELECT value FROM annual_report WHERE year = 2019 AND unit IS NULL "
                            "AND table_code = '2.art20_1' AND row_code = 'normative' "
                            "AND col_code = 'published'").fetchone()[0]
    items = con.execute("SELECT count(*) FROM disclosures WHERE year(published_on) = 2019 "
                        "AND category = '规范性文件'").fetchone()[0]
    assert published == items > 0
    # 2. county totals (中宁县 in 2018, 全县 in 2019) and units' own reading points and staff
    totals = con.execute("SELECT year, count(*) FROM facts WHERE division_total "
                         "GROUP BY 1 ORDER BY 1").fetchall()
    assert totals == [(2018, 12), (2019, 12)]
    points = con.execute("SELECT value FROM annual_report WHERE year = 2018 AND unit IS NULL "
                         "AND row_code = '8.2'").fetchone()[0]
    assert points == con.execute("SELECT sum(value) FROM facts WHERE year = 2018 AND indicator = '查阅点数'"
                                 ).fetchone()[0] == 3
    # 3. a reply dated after the as-of date is no reply yet
    assert con.execute("SELECT state, answered_on FROM requests WHERE reply_after_as_of IS NOT NULL"
                       ).fetchall() == [("open", None)]
    # 4. task 1.4 of both plans is due 5 days after the plan was issued
    adjusted = con.execute("SELECT year, judged_due_on FROM plan_tasks WHERE due_adjusted "
                           "ORDER BY 1").fetchall()
    assert adjusted == [(2018, dt.date(2018, 6, 13)), (2019, dt.date(2019, 4, 17))]
    # and the demo's one publication is in the history (the session's demo is built once)
    assert con.execute("SELECT DISTINCT build_id FROM figure_publications").fetchall() == [
        (demo[3].run_id,)]


def test_the_year_end_notebook_shows_yoy_for_2019(demo, tmp_path):
    data_dir, *_ = demo
    run_notebook("year_end_report", DIVISION, 2019, data_dir, out_dir=tmp_path,
                 keep_ipynb=tmp_path / "y.ipynb")
    nb = nbformat.read(tmp_path / "y.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "headline-figures" in c.metadata.get("tags", []))
    shown = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
    assert "同比" in shown and "同比增加12件（增长20.0%）" in shown
    changes = next(c for c in nb.cells if "publication-changes" in c.metadata.get("tags", []))
    assert any("首次发布" in str(o.get("data", {})) or "与上次发布" in str(o.get("data", {}))
               for o in changes.outputs)
