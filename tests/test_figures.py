"""One meaning per figure (issue 15): task states only on time or late against a due date,
``plan_metrics`` in one shape for every kind of target, and the figures every page states
adding up and agreeing, with a blocking check that names the page and the figure."""

import shutil

import duckdb
import pytest
from conftest import DIVISION, check_results, marts

from pipelines.marts.assets import gongkai_marts
from pipelines.notebooks.analysis import progress
from pipelines.pack import docx, narrative
from pipelines.pack.assets import leaders_pack
from pipelines.pack.checks import page_figures_consistent
from pipelines.pack.consistency import PAGES, SUBSETS, WHOLES, check_lines, inconsistencies, page_figures
from pipelines.pack.load import load_pack, task_figures
from pipelines.plan.assets import METRICS, SQL, build_plan_metrics
from pipelines.settings import Settings
from pipelines.vocabulary import FIGURE_LABELS, TASK_GROUPS, TASK_STATES

# The demo's task figures (task × unit pairs), judged at 2020-01-10.
EXPECTED_TASKS = {
    2018: {"tasks": 37, "units": 41, "pairs": 702, "with_deadline": 488, "without_deadline": 202,
           "not_applicable": 12, "done_on_time": 454, "done_late": 27, "overdue": 7, "in_progress": 0,
           "not_due": 0, "done": 84, "no_deadline": 61, "external": 57, "due": 488,
           "due_done_on_time": 454, "due_done_late": 27, "due_overdue": 7, "due_with_evidence": 440,
           "due_without_evidence": 14},
    2019: {"tasks": 37, "units": 41, "pairs": 702, "with_deadline": 530, "without_deadline": 160,
           "not_applicable": 12, "done_on_time": 498, "done_late": 22, "overdue": 10, "in_progress": 0,
           "not_due": 0, "done": 67, "no_deadline": 39, "external": 54, "due": 530,
           "due_done_on_time": 498, "due_done_late": 22, "due_overdue": 10, "due_with_evidence": 479,
           "due_without_evidence": 19},
}

# 2018's plan_metrics: metric_code → (target_value, actual_value, actual_base, value_unit, shortfall_count)
EXPECTED_METRICS_2018 = {
    "1.1.4/open_meetings_min": (5, 4, None, "次", 1),
    "2.1.1/column_live_by": (1, 88, None, "条", 0),
    "2.1.1/inspection_by": (1, 1, None, "次", 0),
    "2.1.3/publish_within": (10, 8, 10, "条", 2),
    "2.2.2/showcase_projects_by": (14, 12, 14, "个单位", 2),
    "3.2/head_interpretation_min": (30, 28, 30, "个部门", 2),
    "5.3.1/inspection_by": (1, 0, None, "次", 1),
    "5.3.1/publish_within": (108, 106, 108, "条", 2),
    "6.4/founded_by": (1, 7, None, "条", 0),
    "7.1/head_study_min": (41, 38, 41, "个单位", 3),
    "7.1/training_by": (41, 38, 41, "个单位", 3),
    "disclosure_timeliness": (1993, 1968, 1993, "条", 25),
    "requests_within_clock": (60, 55, 60, "件", 5),
    "returns_on_time": (287, 285, 287, "份", 2),
    "tasks_done_by_deadline": (488, 440, 488, "项", 48),
}


def _division_copy(demo, tmp_path) -> duckdb.DuckDBPyConnection:
    data_dir, *_ = demo
    path = tmp_path / "division.duckdb"
    shutil.copy(data_dir / "marts" / "divisions" / f"{DIVISION}.duckdb", path)
    return duckdb.connect(str(path))


# --- task states -------------------------------------------------------------------------


def test_on_time_and_late_only_against_a_due_date(demo):
    data_dir, *_ = demo
    con = marts(data_dir)
    try:
        by_due = dict(con.execute(
            "SELECT due_on IS NULL, list(DISTINCT state ORDER BY state) FROM task_status GROUP BY 1"
        ).fetchall())
        done_without = con.execute(
            "SELECT year, deadline_kind, count(*) FROM task_status WHERE state = 'done' "
            "GROUP BY ALL ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert by_due[True] == ["done", "external", "no_deadline", "not_applicable"]
    assert set(by_due[False]) == {"done_on_time", "done_late", "overdue", "not_applicable"}
    # the pairs the issue counted as "on time" without a deadline: 35 external + 48 none (+1
    # after an event the calendar does not date) in 2018
    assert done_without == [(2018, "after_event", 1), (2018, "external", 35), (2018, "none", 48),
                            (2019, "external", 35), (2019, "none", 32)]


def test_every_state_has_its_words_and_one_group():
    grouped = [s for _, states in TASK_GROUPS.values() for s in states]
    assert sorted(grouped) == sorted(TASK_STATES)  # each state in exactly one group
    assert TASK_STATES["done"] == "完成" and FIGURE_LABELS["with_deadline"] == "有明确完成时限"


# --- plan_metrics: one meaning per column --------------------------------------------------


def test_plan_metrics_has_one_meaning_per_column_for_every_kind(demo):
    data_dir, *_ = demo
    con = marts(data_dir)
    try:
        rows = con.execute(
            "SELECT year, metric, metric_code, target_value, actual_value, actual_base, value_unit, "
            "shortfall_count, shortfalls, passed FROM plan_metrics ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert {r[1] for r in rows} == set(METRICS)  # the demo measures every kind there is
    for year, _, code, target, actual, base, unit, count, shortfalls, passed in rows:
        where = f"{year} {code}"
        assert None not in (target, actual, unit, count), where
        assert count == len(shortfalls), where
        assert passed == (count == 0), where
        assert actual >= 0 and target >= 1, where
        if base is not None:  # a part of a whole: never more than it, and "every" means all of it
            assert actual <= base and target == base, where
            assert count == base - actual, where  # each shortfall is one of the base not met
    got = {code: (target, actual, base, unit, count)
           for year, _, code, target, actual, base, unit, count, _, _ in rows if year == 2018}
    assert got == EXPECTED_METRICS_2018


def test_a_kind_without_a_rule_is_null_in_every_measured_column(demo, tmp_path):
    con = _division_copy(demo, tmp_path)
    try:
        con.execute("SET VARIABLE as_of = DATE '2020-01-10'")
        SQL.run(con, "target_units")
        build_plan_metrics(con, [m for m in METRICS if m != "open_meetings_min"])
        row = con.execute(
            "SELECT target_value, actual_value, actual_base, value_unit, shortfall_count, passed, actual "
            "FROM plan_metrics WHERE metric_code = '1.1.4/open_meetings_min' AND year = 2018").fetchone()
    finally:
        con.close()
    assert row[:6] == (None, None, None, None, None, None)
    assert row[6] == "无此类指标的计算规则（pipelines/plan/sql/metrics/open_meetings_min.sql）"


# --- pages add up and agree ----------------------------------------------------------------


@pytest.mark.parametrize("year", [2018, 2019])
def test_task_figures_are_wholes_and_parts(demo, year):
    data_dir, *_ = demo
    con = marts(data_dir)
    try:
        figures = task_figures(con, DIVISION, year)
    finally:
        con.close()
    assert figures == EXPECTED_TASKS[year]
    for whole, parts in WHOLES.items():
        if whole in figures:
            assert figures[whole] == sum(figures[p] for p in parts), whole


def test_no_page_shows_a_part_larger_than_its_whole(demo):
    data_dir, _, _, result = demo
    con = marts(data_dir)
    try:
        recorded = con.execute("SELECT * FROM page_figures ORDER BY ALL").df()
        again = page_figures(con)
    finally:
        con.close()
    assert check_results(result)["page_figures_consistent"].passed
    assert inconsistencies(recorded) == []
    assert set(recorded["page"]) == {p.key for p in PAGES}
    assert len(recorded) == len(again) == 173
    for (_, _, page), rows in recorded.groupby(["division", "year", "page"]):
        values = dict(zip(rows["figure"], rows["value"], strict=True))
        for whole, parts in [*WHOLES.items(), *SUBSETS.items()]:
            for part in parts:
                if whole in values and part in values:
                    assert values[part] <= values[whole], (page, part, whole)


@pytest.mark.parametrize("year", [2018, 2019])
def test_notebook_draft_and_metric_agree_on_tasks_done_on_time(demo, tmp_path, year):
    from docx import Document

    data_dir, *_ = demo
    expected = EXPECTED_TASKS[year]
    con = marts(data_dir)
    try:
        notebook = progress.summary(con, DIVISION, year).values()
        pack = load_pack(con, Settings(data_dir=data_dir, as_of="2020-01-10"), DIVISION, year)
        metric = con.execute("SELECT actual_value, actual_base FROM plan_metrics "
                             "WHERE year = ? AND metric = 'tasks_done_by_deadline'", [year]).fetchone()
    finally:
        con.close()
    draft = narrative.plan_figures(pack.task_figures)
    keys = ("with_deadline", "done_on_time", "due", "due_done_on_time", "due_with_evidence")
    assert {k: notebook[k] for k in keys} == {k: draft[k] for k in keys} == {k: expected[k] for k in keys}
    assert metric == (expected["due_with_evidence"], expected["due"])
    assert notebook["done_on_time"] <= notebook["with_deadline"]
    assert notebook["on_time_rate"] == expected["due_done_on_time"] / expected["due"]
    # the Word draft says it in words, whole first
    path = tmp_path / "draft.docx"
    docx.write_report(pack, path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert (f"有明确完成时限的{expected['with_deadline']}项中，按时完成{expected['done_on_time']}项、"
            f"逾期完成{expected['done_late']}项、逾期未完成{expected['overdue']}项") in text
    assert (f"已到完成时限的{expected['due']}项中，按时完成{expected['due_done_on_time']}项（其中附佐证链接"
            f"{expected['due_with_evidence']}项、无佐证链接{expected['due_without_evidence']}项）") in text
    assert f"实际为{expected['due_with_evidence']}/{expected['due']}项" in text


def test_state_tables_end_with_their_whole(demo):
    data_dir, *_ = demo
    con = marts(data_dir)
    try:
        by_section = progress.states_by_section(con, DIVISION, 2018)
        by_unit = progress.states_by_unit(con, DIVISION, 2018)
    finally:
        con.close()
    for table, label in ((by_section, "section_label"), (by_unit, "unit")):
        parts, total = table.iloc[:-1], table.iloc[-1]
        assert total[label] == "合计" and total["pairs"] == 702
        for column in ("pairs", *TASK_STATES, "due", "due_done_on_time"):
            assert total[column] == parts[column].sum(), column
        assert (parts[list(TASK_STATES)].sum(axis=1) == parts["pairs"]).all()
        assert total["on_time_rate"] == 454 / 488


# --- the check --------------------------------------------------------------------------------


def test_a_page_figure_changed_after_the_fact_fails_the_check(demo, tmp_path):
    con = _division_copy(demo, tmp_path)
    try:
        assert check_lines(con) == []
        con.execute("UPDATE page_figures SET value = 538 WHERE year = 2018 "
                    "AND page = 'notebook:plan_progress' AND figure = 'done_on_time'")
        lines = check_lines(con)
    finally:
        con.close()
    page = "640521 2018 年 笔记本《方案落实进展》总体情况（notebook:plan_progress）"
    assert lines == [
        f"{page}：「按时完成」（done_on_time） 538 大于其合计 「有明确完成时限」（with_deadline） 488",
        f"{page}：「有明确完成时限」（with_deadline） 488 ≠ 各组成项之和 538+27+7+0+0=572",
        "640521 2018 年「按时完成」（done_on_time）在各页面不一致："
        "年报草稿（Word）工作方案落实段落（docx:plan）为 454；"
        "材料网页图表“工作任务完成情况（按方案部分）”（html:task_states_by_section）为 454；"
        "笔记本《方案落实进展》总体情况（notebook:plan_progress）为 538",
    ]


def test_a_figure_two_pages_state_differently_is_named_with_both_pages(demo, tmp_path):
    con = _division_copy(demo, tmp_path)
    try:
        con.execute("UPDATE page_figures SET value = value - 1 WHERE year = 2019 "
                    "AND page = 'metric:tasks_done_by_deadline' AND figure = 'due_with_evidence'")
        lines = check_lines(con)
    finally:
        con.close()
    assert lines == [
        "640521 2019 年「已到期·按时完成·附佐证链接」（due_with_evidence）在各页面不一致："
        "年报草稿（Word）工作方案落实段落（docx:plan）为 479；"
        "计划指标“到期任务均按时完成并附佐证”（metric:tasks_done_by_deadline）为 478；"
        "笔记本《方案落实进展》总体情况（notebook:plan_progress）为 479"]


def test_the_check_blocks_the_publish_and_so_the_pack():
    [spec] = page_figures_consistent.check_specs
    assert spec.blocking and spec.asset_key.to_user_string() == "page_figures"
    assert "page_figures" in {k.to_user_string() for k in gongkai_marts.dependency_keys}
    assert "gongkai_marts" in {k.to_user_string() for k in leaders_pack.dependency_keys}
