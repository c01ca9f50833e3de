"""Sanity suites (GX, blocking) and plan metrics (WARN): each on good and bad fixtures."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import pytest
from conftest import build, check_results, copy_built, marts, return_rows, write_xlsx
from province import run_cli

from pipelines.gx import GxRunner, load_suite_json, suite_names
from pipelines.marts.checks import suite_parameters
from pipelines.plan.assets import METRICS, SQL, build_plan_metrics
from pipelines.reference.store import SHIPPED_REFERENCE

# What the demo generator planted (demo-manifest.json "by_year" → "planted_shortfalls"): the
# targets the county misses in 2018. Every other target is met.
PLANTED_MISSES = {
    "1.1.4/open_meetings_min",
    "2.1.3/publish_within",
    "2.2.2/showcase_projects_by",
    "3.2/head_interpretation_min",
    "5.3.1/inspection_by",
    "5.3.1/publish_within",
    "7.1/head_study_min",
    "7.1/training_by",
    "disclosure_timeliness",
    "requests_within_clock",
    "returns_on_time",
    "tasks_done_by_deadline",
}
# 2019 does better: six open meetings, both inspections in time.
PLANTED_MISSES_2019 = PLANTED_MISSES - {"1.1.4/open_meetings_min", "5.3.1/inspection_by"}


def test_demo_passes_every_sanity_suite_and_writes_offline_data_docs(demo):
    data_dir, _, _, result = demo
    checks = check_results(result)
    sanity = {k: v for k, v in checks.items() if k.startswith("gx_")}
    assert set(sanity) == {f"gx_{s}" for s in suite_names()}
    assert all(c.passed for c in sanity.values()), {k: c.metadata for k, c in sanity.items() if not c.passed}
    index = data_dir / "marts" / "data-docs" / "index.html"
    pages = list(index.parent.rglob("*.html"))
    assert index.exists() and len(pages) > len(sanity)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'src="http' not in html and '<link href="http' not in html.replace("'", '"'), page
    # the index is plain HTML (GX's own needs CDN scripts): every suite, its verdict, its page
    text = index.read_text(encoding="utf-8")
    for suite in suite_names():
        assert f'href="expectations/{suite}.html">{suite}</a></td><td><span class="text-success">通过' in text
    assert "未通过</span>" not in text and text.count('href="validations/') == len(sanity)


def test_plan_metrics_report_exactly_the_planted_shortfalls(demo):
    data_dir, manifest, _, result = demo
    con = marts(data_dir)
    by_year = {}
    for year, code, passed, short in con.execute(
            "SELECT year, metric_code, passed, shortfalls FROM plan_metrics").fetchall():
        by_year.setdefault(year, {})[code] = (passed, short)
    con.close()
    rows = by_year[2018]
    assert {code for code, (passed, _) in rows.items() if not passed} == PLANTED_MISSES
    assert {code for code, (passed, _) in by_year[2019].items() if not passed} == PLANTED_MISSES_2019
    short19 = manifest["by_year"]["2019"]["planted_shortfalls"]
    assert by_year[2019]["3.2/head_interpretation_min"][1] == short19["head_interpretation_missing"]["units"]
    assert by_year[2019]["7.1/head_study_min"][1] == short19["no_research_deployment"]["units"]
    shortfalls = manifest["by_year"]["2018"]["planted_shortfalls"]
    assert rows["3.2/head_interpretation_min"][1] == sorted(
        shortfalls["head_interpretation_missing"]["units"]
    )
    assert sorted(rows["7.1/head_study_min"][1]) == sorted(shortfalls["no_research_deployment"]["units"])
    assert {s.split("（")[0] for s in rows["7.1/training_by"][1]} == set(
        shortfalls["not_trained_by_2018-06-30"]["units"]
    )
    assert rows["2.2.2/showcase_projects_by"][1] == sorted(shortfalls["showcase_projects_missing"]["units"])
    assert {s.split()[0] for s in rows["requests_within_clock"][1]} == set(shortfalls["late_requests"]) | set(
        shortfalls["open_overdue_requests"]
    )
    assert {s.split()[0] for s in rows["2.1.3/publish_within"][1]} == set(
        shortfalls["late_audit_disclosures"]
    )
    assert rows["returns_on_time"][1] == [
        "大战场镇 2018-08 未报送",
        "县民政局 2018-09 迟报（2018-10-15，截止 2018-10-05）",
    ]
    # every kind of target is measured, and its WARN check mirrors the rows
    checks = check_results(result)
    for metric in METRICS:
        check = checks[f"plan_{metric}"]
        assert check.severity.value == "WARN"
        assert check.passed == all(p for year in by_year.values() for code, (p, _) in year.items()
                                   if code.endswith(metric))
    assert not checks["plan_open_meetings_min"].passed
    findings = checks["plan_head_interpretation_min"].metadata["findings"].value
    assert findings["640521 2018 3.2/head_interpretation_min"]["未达标"] == ["县档案局", "县水务局"]


# --- every expectation fails on a fixture made bad for it, and names the shortfall --------


def _corrupt(frame: pd.DataFrame, expectation: dict) -> pd.DataFrame:
    """A copy of ``frame`` that breaks exactly this expectation in its first row."""
    bad = frame.copy()
    kw, kind = expectation["kwargs"], expectation["type"]
    col = kw.get("column")
    if kind == "expect_column_values_to_not_be_null":
        bad[col] = bad[col].astype(object)
        bad.loc[bad.index[0], col] = None
    elif kind == "expect_column_values_to_be_null":
        bad[col] = bad[col].astype(object)
        bad.loc[bad.index[0], col] = "不合规的值!"
    elif kind in ("expect_compound_columns_to_be_unique", "expect_column_values_to_be_unique"):
        bad = pd.concat([bad, bad.iloc[[0]]], ignore_index=True)
    elif kind in ("expect_column_values_to_be_in_set", "expect_column_values_to_match_regex"):
        bad[col] = bad[col].astype(object)
        bad.loc[bad.index[0], col] = "不合规的值!"
    elif kind == "expect_column_values_to_be_between":
        if pd.api.types.is_datetime64_any_dtype(bad[col]):
            bad.loc[bad.index[0], col] = pd.Timestamp("1900-01-01")
        else:
            low = kw.get("min_value")
            bad[col] = bad[col].astype("float64")
            bad.loc[bad.index[0], col] = (low - 1) if low is not None else kw["max_value"] + 1
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = kw["column_A"], kw["column_B"]
        row = bad[bad[a].notna() & bad[b].notna()].index[0]
        bad.loc[row, a] = bad.loc[row, b] - pd.Timedelta(days=1)
    else:
        raise AssertionError(f"no corruption for {kind}")
    return bad


@pytest.fixture(scope="module")
def suite_frames(demo):
    data_dir, *_ = demo
    con = marts(data_dir)
    frames = {s: con.execute(load_suite_json(s)["meta"]["gongkai"]["query"]).df() for s in suite_names()}
    parameters = suite_parameters(con)
    con.close()
    return frames, parameters


CASES = [(s, i) for s in suite_names() for i in range(len(load_suite_json(s)["expectations"]))]


@pytest.fixture(scope="module")
def gx_runner(tmp_path_factory):
    """One GX context for every case of this module, Data Docs off (the demo build writes them,
    and test_demo_passes_every_sanity_suite_and_writes_offline_data_docs reads them)."""
    return GxRunner(tmp_path_factory.mktemp("gx"), data_docs=False)


@pytest.mark.parametrize(("suite", "index"), CASES, ids=[f"{s}-{i}" for s, i in CASES])
def test_each_expectation_catches_its_bad_fixture(suite, index, suite_frames, tmp_path):
    """The expectation alone (its suite with only it: the others' verdicts on the same frame
    are not this case's question, and cost GX ~5x the time) fails the frame corrupted for it."""
    frames, parameters = suite_frames
    raw = load_suite_json(suite)
    expectation = raw["expectations"][index]
    (tmp_path / f"{suite}.json").write_text(json.dumps({**raw, "expectations": [expectation]},
                                                       ensure_ascii=False), encoding="utf-8")
    runner = GxRunner(tmp_path / "marts", expectations_dir=tmp_path, data_docs=False)
    result = runner.validate(suite, _corrupt(frames[suite], expectation), parameters)
    assert not result.success and result.evaluated == 1
    assert [f["说明"] for f in result.failures] == [expectation["meta"]["zh"]]


def test_return_periods_suite_catches_verdicts_its_dates_contradict(demo, tmp_path, gx_runner):
    data_dir, *_ = demo
    db = tmp_path / "bad.duckdb"
    # the division's own database holds tables (gongkai.duckdb only views over them)
    shutil.copy(data_dir / "marts" / "divisions" / "640521.duckdb", db)
    con = duckdb.connect(str(db))
    try:
        # a late return called on time, and a month filed under the wrong plan year
        con.execute("UPDATE return_periods SET result = 'on_time' "
                    "WHERE unit = '县民政局' AND period = '2018-09'")
        con.execute("UPDATE return_periods SET period = '2019-01' "
                    "WHERE unit = '大战场镇' AND period = '2018-08'")
        frame = con.execute(load_suite_json("return_periods")["meta"]["gongkai"]["query"]).df()
        parameters = suite_parameters(con)
    finally:
        con.close()
    result = gx_runner.validate("return_periods", frame, parameters)
    assert not result.success
    assert {f["说明"]: f["不符合行数"] for f in result.failures} == {
        "报送结果与日期相符：按时者不晚于截止日，迟报者晚于截止日或日期不详，未报送者无报送日期": 1,
        "报送期间属于该方案年度": 1,
    }
    assert not gx_runner.docs_dir.exists()  # Data Docs off: verdicts only, no pages


def test_a_copied_data_directory_writes_data_docs_into_its_own_folder(suite_frames, tmp_path):
    """The GX context names the Data Docs folder by absolute path: a data directory copied or
    moved elsewhere must not go on writing (CDN-linked) pages into the old one."""
    frames, parameters = suite_frames
    first, second = tmp_path / "a" / "marts", tmp_path / "b" / "marts"
    runner = GxRunner(first)
    assert runner.validate("appeals", frames["appeals"], parameters).success
    runner.flush_docs()
    before = {p: p.read_bytes() for p in (first / "data-docs").rglob("*") if p.is_file()}
    shutil.copytree(first.parent, second.parent)
    runner = GxRunner(second)
    # other data than the copied verdict judged, so GX validates and renders a page
    assert runner.validate("appeals", frames["appeals"].iloc[:-1], parameters).success
    runner.flush_docs()
    assert {p: p.read_bytes() for p in (first / "data-docs").rglob("*") if p.is_file()} == before
    assert len(list((second / "data-docs" / "validations" / "appeals").rglob("*.html"))) == 2
    for page in (second / "data-docs").rglob("*.html"):
        assert 'src="http' not in page.read_text(encoding="utf-8"), page


def test_a_suites_page_follows_its_json(suite_frames, tmp_path):
    """A suite's Data Docs page is written into every new site, and rewritten when the suite's
    JSON changes (the rendered page is kept per process and suite version)."""
    frames, parameters = suite_frames
    suites = tmp_path / "expectations"
    suites.mkdir()
    raw = load_suite_json("appeals")
    assert raw["expectations"][0]["kwargs"]["regex"] == r"^\d{6}$"
    pages = []
    for site, regex in (("a", r"^\d{6}$"), ("b", r"^\d{6}$"), ("c", r"^\d{6}\s*$")):
        raw["expectations"][0]["kwargs"]["regex"] = regex
        (suites / "appeals.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        runner = GxRunner(tmp_path / site / "marts", expectations_dir=suites)
        assert runner.validate("appeals", frames["appeals"], parameters).success
        runner.flush_docs()
        page = tmp_path / site / "marts" / "data-docs" / "expectations" / "appeals.html"
        pages.append(page.read_text(encoding="utf-8"))
    assert pages[0] == pages[1] and r"\s*" not in pages[0]
    assert r"^\d{6}\s*$" in pages[2]


def test_a_table_judged_in_this_process_is_not_judged_again_for_another_site(suite_frames, tmp_path,
                                                                             monkeypatch):
    """One process may build many counties and data directories: the same suite, parameters
    and bytes keep this process's verdict and page without GX, and the new site still gets
    the page and its line in the index."""
    frames, parameters = suite_frames
    first = GxRunner(tmp_path / "a" / "marts")
    verdict = first.validate("appeals", frames["appeals"], parameters)
    first.flush_docs()

    def gx_again(*_args, **_kwargs):
        raise AssertionError("GX validated a table this process had judged")

    monkeypatch.setattr(GxRunner, "_validate", gx_again)
    second = GxRunner(tmp_path / "b" / "marts")
    assert second.validate("appeals", frames["appeals"], parameters) == verdict
    second.flush_docs()
    [page_a] = (tmp_path / "a" / "marts" / "data-docs" / "validations" / "appeals").glob("*.html")
    [page_b] = (tmp_path / "b" / "marts" / "data-docs" / "validations" / "appeals").glob("*.html")
    assert page_b.read_bytes() == page_a.read_bytes()
    index = (tmp_path / "b" / "marts" / "data-docs" / "index.html").read_text(encoding="utf-8")
    assert f'href="validations/appeals/{page_b.name}"' in index
    with pytest.raises(AssertionError, match="GX validated"):  # other bytes are judged anew
        second.validate("appeals", frames["appeals"].iloc[::-1], parameters)


def test_a_table_judged_before_keeps_its_verdict_without_gx(suite_frames, tmp_path):
    """The same suite on the same bytes with the same parameters is not validated again (no
    new Data Docs page, the same verdict, even from another process's runner); a changed
    table or parameter is."""
    frames, parameters = suite_frames
    runner = GxRunner(tmp_path / "marts")
    pages = tmp_path / "marts" / "data-docs" / "validations" / "appeals"

    def validated(frame, values) -> tuple:
        result = runner.validate("appeals", frame, values)
        runner.flush_docs()
        return result, len(list(pages.glob("*.html")))

    bad = frames["appeals"].assign(kind="???")
    first, n = validated(bad, parameters)
    assert not first.success and n == 1
    assert first.failures[0]["不符合行数"] == len(bad)
    again = GxRunner(tmp_path / "marts").validate("appeals", bad.copy(), parameters)
    assert again == first and len(list(pages.glob("*.html"))) == 1
    good, n = validated(frames["appeals"], parameters)
    assert good.success and n == 2
    fewer_units = {**parameters, "units": [u for u in parameters["units"] if u not in set(bad["unit"])]}
    changed, n = validated(frames["appeals"], fewer_units)
    assert not changed.success and n == 3


def test_another_process_reuses_the_verdicts_of_an_unchanged_county(one_return_built, tmp_path):
    """A forced rebuild in a new process (the CLI, a Dagster run) of tables GX judged before:
    every verdict reused, so no suite validated again (no new Data Docs page, no new verdict).
    The suites' parameters come from DISTINCT queries whose order can change between
    processes: unsorted, a key changed and the new process paid GX's import again."""
    data_dir = copy_built(one_return_built, tmp_path / "data")
    verdicts = data_dir / "marts" / "gx" / "verdicts"
    before = {p: p.read_bytes() for p in verdicts.rglob("*.json")}
    pages = sorted((data_dir / "marts" / "data-docs" / "validations").rglob("*.html"))
    assert len(before) == 11 and pages
    run_cli(data_dir, "build", "--force", "--no-notebooks", "--no-pack")
    assert {p: p.read_bytes() for p in verdicts.rglob("*.json")} == before
    assert sorted((data_dir / "marts" / "data-docs" / "validations").rglob("*.html")) == pages


# --- a broken sanity check blocks publishing ------------------------------------------------


def test_failed_sanity_suite_blocks_the_publish_step(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(SHIPPED_REFERENCE, reference)
    plan_path = reference / "640521" / "plan-2018.json"
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    task = next(t for t in plan["tasks"] if t["code"] == "1.2.1")
    task["due_on"] = "2018-09-30"  # a reviewer's slip: an 'external' task given a date
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    write_xlsx(
        tmp_path / "raw" / "640521" / "returns" / "r.xlsx",
        return_rows("县财政局", "2018-07", "2018-08-03", [["1.1.1", "x", "推进中", None, None, None, None]]),
    )
    result = build(tmp_path, expect_success=False)
    check = check_results(result)["gx_plan_tasks"]
    assert not check.passed and check.severity.value == "ERROR"
    failures = check.metadata["failures"].value
    assert any(
        f["说明"] == "只有 date / date_ongoing 类任务有截止日期" and f["不符合行数"] == 1 for f in failures
    )
    materialized = {
        e.asset_key.path[-1] for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert {"plan_catalogue", "working_calendar", "unit_registry"} <= materialized  # above it: ran
    assert not {"stg_returns", "task_status", "plan_metrics", "gongkai_marts"} & materialized
    assert not (tmp_path / "marts" / "gongkai.duckdb").exists()


# --- every plan metric on a good and a bad fixture ------------------------------------------


def _metrics_on(db_path, edits: list[str], code: str) -> dict[str, tuple]:
    """plan_metrics of 2018 after ``edits``, measured by the one rule of target ``code`` (a
    rule reads the marts alone, not the other rules' rows)."""
    con = duckdb.connect(str(db_path))
    con.execute("SET VARIABLE as_of = DATE '2019-01-10'")
    for sql in edits:
        con.execute(sql)
    SQL.run(con, "target_units")
    build_plan_metrics(con, [code.split("/")[-1]])
    rows = {
        r[0]: (r[1], r[2])
        # the fixtures are 2018's (the demo's second year has its own plan and metrics)
        for r in con.execute("SELECT metric_code, passed, shortfalls FROM plan_metrics "
                             "WHERE year = 2018").fetchall()
    }
    con.close()
    return rows


ACTIVITY = (
    "INSERT INTO activities (division, activity_id, activity_date, unit, activity_type, title, "
    "head_attended, people, units_involved) VALUES "
)
# code → (edits that make the county meet the target, edits that make it miss)
FIXES = {
    "1.1.4/open_meetings_min": (
        [
            ACTIVITY
            + "('640521','x1',DATE '2018-12-01','县政府办公室','会议开放','第五次会议开放',false,12,[])"
        ],
        ["DELETE FROM activities WHERE activity_type = '会议开放'"],
    ),
    "2.1.1/inspection_by": (
        [],
        [
            "UPDATE activities SET activity_date = DATE '2018-11-16' WHERE activity_type = '专项检查' "
            "AND title LIKE '%预决算%'"
        ],
    ),
    "2.1.1/column_live_by": ([], ["DELETE FROM disclosures WHERE category = '预决算'"]),
    "2.1.3/publish_within": (
        ["UPDATE disclosures SET published_on = formed_on WHERE category = '审计信息'"],
        ["UPDATE disclosures SET published_on = formed_on + 30 WHERE category = '审计信息'"],
    ),
    "2.2.2/showcase_projects_by": (
        [
            "INSERT INTO disclosures (division, index_no, unit, title, category, channels, formed_on, "
            "published_on, timeliness_rule) "
            "SELECT '640521', 'FIX-' || unit, unit, '示范项目', '重大建设项目', ['政府网站'], "
            "DATE '2018-08-01', DATE '2018-08-02', '*' FROM ref_units"
        ],
        ["DELETE FROM disclosures WHERE category = '重大建设项目'"],
    ),
    "3.2/head_interpretation_min": (
        [
            ACTIVITY + "('640521','x2',DATE '2018-09-01','县档案局','在线访谈','档案法解读',true,1,[]),"
            "('640521','x3',DATE '2018-09-02','县水务局','媒体采访','河长制解读',true,1,[])"
        ],
        ["DELETE FROM activities", "DELETE FROM disclosures WHERE category = '政策解读'"],
    ),
    "5.3.1/inspection_by": (
        [
            "UPDATE activities SET activity_date = DATE '2018-11-14' WHERE title LIKE '%办事服务%' "
            "AND activity_type = '专项检查'"
        ],
        ["DELETE FROM activities WHERE activity_type = '专项检查'"],
    ),
    "5.3.1/publish_within": (
        ["UPDATE disclosures SET published_on = formed_on WHERE category = '办事服务'"],
        [],
    ),
    "6.4/founded_by": (
        [],
        ["UPDATE disclosure_channels SET published_on = DATE '2018-12-20' WHERE channel = '政府公报'"],
    ),
    "7.1/training_by": (
        ["UPDATE activities SET activity_date = DATE '2018-06-20' WHERE activity_type = '培训'"],
        [],
    ),
    "7.1/head_study_min": (
        [
            ACTIVITY.replace(" VALUES ", " ")
            + "SELECT '640521', 'y' || unit, DATE '2018-05-01', unit, '研究部署', '研究部署', true, 5, [] "
            "FROM ref_units"
        ],
        [],
    ),
    "disclosure_timeliness": (["UPDATE disclosures SET published_on = formed_on"], []),
    "requests_within_clock": (["DELETE FROM requests WHERE state IN ('answered_late', 'open_overdue')"], []),
    "returns_on_time": (
        ["UPDATE return_periods SET submitted_on = due_on, result = 'on_time'"],
        ["UPDATE return_periods SET submitted_on = NULL, result = 'missing' WHERE unit = '县财政局'"],
    ),
    "tasks_done_by_deadline": (
        ["UPDATE task_status SET state = 'done_on_time', evidence_url = 'http://x' WHERE due_on IS NOT NULL"],
        [],
    ),
}


def test_every_kind_of_target_has_good_and_bad_fixtures():
    assert {code.split("/")[-1] for code in FIXES} == set(METRICS)


@pytest.mark.parametrize("code", sorted(FIXES))
def test_metric_on_good_and_bad_fixture(code, demo, tmp_path):
    data_dir, *_ = demo
    fix, breaks = FIXES[code]
    baseline = code not in PLANTED_MISSES
    good, bad = tmp_path / "good.duckdb", tmp_path / "bad.duckdb"
    shutil.copy(data_dir / "marts" / "divisions" / "640521.duckdb", good)
    shutil.copy(good, bad)
    passed, shortfalls = _metrics_on(good, fix, code)[code]
    assert passed and shortfalls == [], shortfalls
    if breaks or not baseline:
        passed, shortfalls = _metrics_on(bad, breaks, code)[code]
        assert passed is False and shortfalls, code
