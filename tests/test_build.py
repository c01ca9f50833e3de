"""The whole graph, in-process, on the demo data: every table, every planted defect,
identical re-runs, and no personal information anywhere in the database."""

from __future__ import annotations

import duckdb
import pytest
from conftest import build, copy_built, frame, marts

from pipelines.demo import DEMO_AS_OF
from pipelines.marts.diff import diff_databases

# marts.md: tables and the columns outside tools rely on
CONTRACT = {
    "plan_tasks": "division, year, task_code, section, title, lead_units, responsible_units, "
                  "deadline_kind, due_on, ongoing, target",
    "return_submissions": "division, unit, period, due_on, submitted_on, on_time, superseded, source_file",
    "task_status": "division, year, task_code, unit, due_on, status, completed_on, evidence_url, state",
    "disclosures": "division, index_no, unit, title, category, channels, formed_on, published_on, "
                   "working_days_to_publish, timely",
    "requests": "division, request_id, unit, received_on, channel, applicant_type, applicant_key, rule, "
                "clock_start_on, due_on, extended, final_due_on, answered_on, outcome, working_days, state",
    "appeals": "division, case_id, kind, suit_route, received_on, unit, result, closed_on",
    "activities": "division, activity_date, unit, activity_type, title, head_attended, people, "
                  "units_involved",
    "quarantine": "source, file, sheet, row_number, column_name, value_preview, reason",
    "ingest_log": "source, file, sha256, rows_read, rows_loaded, rows_superseded, rows_quarantined",
}
TYPES = {("plan_tasks", "due_on"): "DATE", ("plan_tasks", "ongoing"): "BOOLEAN",
         ("return_submissions", "on_time"): "BOOLEAN", ("requests", "due_on"): "DATE",
         ("requests", "extended"): "BOOLEAN", ("disclosures", "timely"): "BOOLEAN",
         ("activities", "activity_date"): "DATE", ("task_status", "completed_on"): "DATE"}


HISTORY_TABLES = ("figure_publications", "annual_report_history", "plan_metrics_history",
                  "annual_report_sources_history")


def snapshot_tables(db) -> list[str]:
    """The tables of a division's own database (gongkai.duckdb holds only views)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1").fetchall()]
    finally:
        con.close()


def test_every_contract_table_and_column(demo):
    data_dir, *_ = demo
    con = marts(data_dir)
    for table, columns in CONTRACT.items():
        have = dict(con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ?", [table]).fetchall())
        missing = [c.strip() for c in columns.split(",") if c.strip() not in have]
        assert not missing, f"{table} lacks {missing}"
    for (table, column), kind in TYPES.items():
        assert con.execute("SELECT data_type FROM information_schema.columns WHERE table_name = ? "
                           "AND column_name = ?", [table, column]).fetchone()[0] == kind
    assert con.execute("SELECT year, count(*) FROM plan_tasks GROUP BY 1 ORDER BY 1").fetchall() == [
        (2018, 37), (2019, 37)]
    con.close()


def test_quarantine_is_exactly_the_planted_defects(demo):
    data_dir, manifest, *_ = demo
    con = marts(data_dir)
    q = frame(con, "SELECT * FROM quarantine")
    con.close()
    rows = {(r.file, r.row_number, r.column_name) for r in q.dropna(subset=['row_number']).itertuples()}
    planted = {(d["file"], d["row"], d["column"]) for d in manifest["defects"]}
    assert rows == planted
    rejected = set(q[q.reason.str.startswith("整个文件未导入")].file)
    assert rejected == {f["file"] for f in manifest["rejected_files"]}
    assert all(q.reason.str.len() > 4)


def test_every_raw_row_is_accounted_for(demo):
    data_dir, manifest, *_ = demo
    con = marts(data_dir)
    log = frame(con, "SELECT * FROM ingest_log")
    con.close()
    assert (log.rows_read == log.rows_loaded + log.rows_superseded + log.rows_quarantined).all()
    by_source = log.groupby("source")[["rows_read", "rows_loaded", "rows_superseded"]].sum()
    for source, totals in manifest["totals"].items():
        assert by_source.loc[source, "rows_read"] == totals["data_rows"] - totals["rejected_file_rows"]
        assert by_source.loc[source, "rows_superseded"] == totals["superseded_rows"]
    assert len(log) == sum(t["files"] for t in manifest["totals"].values())


@pytest.mark.parametrize("year", [2018, 2019])
def test_planted_clock_and_task_findings(demo, year):
    data_dir, manifest, *_ = demo
    section = manifest["by_year"][str(year)]
    shortfalls = section["planted_shortfalls"]
    con = marts(data_dir)
    states = dict(con.execute("SELECT request_id, state FROM requests WHERE year(received_on) = ?",
                              [year]).fetchall())
    assert states == section["expected"]["requests"]["states_at_as_of"]
    overdue = {tuple(r) for r in con.execute(
        "SELECT task_code, unit FROM task_status WHERE state = 'overdue' AND year = ?", [year]).fetchall()}
    assert overdue == {(t["task"], t["unit"]) for t in shortfalls["overdue_tasks"]}
    late = {tuple(r) for r in con.execute(
        "SELECT task_code, unit FROM task_status WHERE state = 'done_late' AND year = ?", [year]).fetchall()}
    assert late == {(t["task"], t["unit"]) for t in shortfalls["tasks_done_late"]}
    late_returns = con.execute("SELECT unit, period FROM return_submissions "
                               "WHERE NOT on_time AND NOT superseded AND left(period, 4) = ?",
                               [str(year)]).fetchall()
    assert late_returns == [(r["unit"], r["period"]) for r in section["late_returns"]]
    late_audit = {r[0] for r in con.execute(
        "SELECT index_no FROM disclosures WHERE category = '审计信息' AND NOT timely "
        "AND year(published_on) = ?", [year]).fetchall()}
    assert late_audit == set(shortfalls["late_audit_disclosures"])
    assert con.execute("SELECT count(*) FROM disclosures WHERE index_no LIKE ?",
                       [f"%/{year}-%"]).fetchone()[0] == section["expected"]["disclosures"]["items"]
    con.close()


def test_second_build_gives_identical_tables(demo, tmp_path):
    # on a copy: the session's demo stays the build its fixture describes
    data_dir = copy_built(demo[0], tmp_path / "demo")
    second = build(data_dir, as_of=DEMO_AS_OF.isoformat())
    first_db, second_db = (d / "marts" / "divisions" / "640521.duckdb" for d in (demo[0], data_dir))
    con = marts(data_dir)
    try:
        assert con.execute("SELECT build_id FROM build_info").fetchall() == [(second.run_id,)]
    finally:
        con.close()
    # every table row for row, but what names the build and the history of publications
    # (which records the second publication, and nothing else new)
    tables = snapshot_tables(second_db)
    assert set(CONTRACT) <= set(tables) and len(tables) > 20
    diffs = diff_databases(first_db, second_db, ignore_columns=("built_at", "build_id"),
                           ignore_tables=HISTORY_TABLES)
    assert diffs == [], "\n".join(map(str, diffs))


def test_no_personal_information_anywhere(demo):
    data_dir, _, pii, _ = demo
    values = [v for group in pii["values"].values() for v in group]
    assert len(values) == 300  # the demo's 100 applicants, ID numbers and phone numbers
    con = marts(data_dir)
    text_columns = con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE data_type LIKE 'VARCHAR%' OR data_type = 'JSON'").fetchall()
    dump = []
    for schema, table, column in text_columns:
        dump += [str(v[0]) for v in con.execute(
            f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}"').fetchall()]
    con.close()
    blob = "\n".join(dump)
    leaked = [v for v in values if v and str(v) in blob]
    assert not leaked
