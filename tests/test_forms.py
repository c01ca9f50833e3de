"""Return forms out, returns in: every unit with tasks in 2018-07 gets a pre-filled form; the
forms filled with the demo's own July statuses (with openpyxl, and re-saved by LibreOffice)
come back through the ordinary reader with nothing quarantined and give the same task_status
as the demo's own returns."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest
from conftest import DIVISION, build, frame
from libreoffice import cell_kinds, convert, fewest_covering, require_soffice
from python_calamine import CalamineWorkbook

from pipelines.__main__ import main
from pipelines.demo import DEMO_AS_OF
from pipelines.forms.build import write_forms
from pipelines.forms.guide import STATUS_GUIDE
from pipelines.forms.model import SUMMARY_FILE
from pipelines.forms.periods import due_date, parse_period
from pipelines.forms.schedules import return_forms_schedule
from pipelines.forms.workbook import (
    FIRST_ROW,
    FORM_SHEET,
    GUIDE_SHEET,
    HEADER,
    HEADER_ROW,
    INFO_HEADER,
    validation_for,
)
from pipelines.ingest.contracts import CONTRACTS, PROGRESS_STATUSES, RETURNS
from pipelines.ingest.normalise import ReadContext
from pipelines.ingest.reader import read_file
from pipelines.settings import Settings

PERIOD = "2018-07"
FORMS_FOLDER = f"returns/表单{PERIOD}"


def copy_published(demo_dir: Path, target: Path) -> Path:
    """A data directory holding a copy of the demo's published marts (outputs go there)."""
    (target / "marts" / "divisions").mkdir(parents=True)
    shutil.copy2(demo_dir / "marts" / "gongkai.duckdb", target / "marts" / "gongkai.duckdb")
    shutil.copy2(demo_dir / "marts" / "divisions" / f"{DIVISION}.duckdb",
                 target / "marts" / "divisions" / f"{DIVISION}.duckdb")
    return target


@pytest.fixture(scope="module")
def forms(demo, tmp_path_factory):
    """The 2018-07 forms written from (a copy of) the demo's published marts."""
    data_dir = copy_published(demo[0], tmp_path_factory.mktemp("forms"))
    return data_dir, write_forms(Settings(data_dir, DEMO_AS_OF), DIVISION, PERIOD)


@pytest.fixture(scope="module")
def demo_marts(demo):
    con = duckdb.connect(str(demo[0] / "marts" / "gongkai.duckdb"), read_only=True)
    yield con
    con.close()


def test_every_unit_with_tasks_gets_a_form_and_the_office_a_summary(forms, demo_marts):
    data_dir, result = forms
    units = [r[0] for r in demo_marts.execute(
        "SELECT DISTINCT unit FROM plan_task_units WHERE division = ? AND year = 2018", [DIVISION]
    ).fetchall()]
    assert len(units) == 41 and sorted(result.units) == sorted(units)
    assert result.folder == data_dir / "marts" / "forms" / DIVISION / PERIOD
    files = sorted(p.name for p in result.folder.iterdir())
    assert files == sorted([f"{u}.xlsx" for u in units] + [SUMMARY_FILE])
    summary = openpyxl.load_workbook(result.summary).active
    rows = [r for r in summary.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [r[1] for r in rows] == result.units
    assert {r[1]: r[3] for r in rows} == dict(demo_marts.execute(
        "SELECT unit, count(*) FROM plan_task_units WHERE year = 2018 GROUP BY 1").fetchall())
    assert summary.max_row == 4 + len(rows) and summary.cell(summary.max_row, 1).value == "合计"
    assert summary.cell(summary.max_row, 4).value == result.tasks == 702
    assert "2018年8月5日前报送" in summary["A2"].value


def test_a_form_is_laid_out_as_the_contract_says_with_validation_and_protection(forms, demo_marts):
    _, result = forms
    wb = openpyxl.load_workbook(result.folder / "县财政局.xlsx")
    assert wb.sheetnames == [FORM_SHEET, GUIDE_SHEET] and wb.active.title == FORM_SHEET
    ws = wb[FORM_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == HEADER + INFO_HEADER
    assert HEADER == ["序号", "任务编号", "任务内容", "进展状态", "完成日期", "数量", "佐证链接", "进展说明"]
    meta = [ws[ref].value for ref in ("A2", "B2", "D2", "E2", "F2", "G2")]
    assert meta == ["报送单位：", "县财政局", "报送期间：", "2018年7月", "报送日期：", None]
    # rows: the unit's tasks in plan order, each with its status in the June return
    expected = frame(demo_marts, """
        SELECT tu.task_code, t.title, r.status, r.completed_on
        FROM plan_task_units tu JOIN plan_tasks t USING (division, year, task_code)
        LEFT JOIN return_rows r ON r.unit = tu.unit AND r.task_code = tu.task_code AND r.period = '2018-06'
            AND NOT r.superseded
        WHERE tu.unit = '县财政局' AND tu.year = 2018
        ORDER BY string_split(tu.task_code, '.')::INTEGER[]""")
    got = [[r[1], r[2], r[3], r[4].date() if r[4] else None]
           for r in ws.iter_rows(min_row=FIRST_ROW, max_col=5, values_only=True)]
    want = [[c, t, s, d] for c, t, s, d in expected.itertuples(index=False)]
    assert got == want and len(got) == 22
    assert all(ws.cell(r, 2).number_format == "@" for r in range(FIRST_ROW, FIRST_ROW + len(got)))
    # drop-down of the contract's statuses; dates as dates with a message; numbers as numbers
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    last = FIRST_ROW + len(got) - 1
    status = rules[f"D{FIRST_ROW}:D{last}"]
    assert status.type == "list" and status.formula1 == '"' + ",".join(PROGRESS_STATUSES) + '"'
    assert status.showErrorMessage and status.showInputMessage and status.prompt
    for ref in (f"E{FIRST_ROW}:E{last}", "G2"):
        assert rules[ref].type == "date" and rules[ref].prompt and rules[ref].showInputMessage
    assert rules[f"F{FIRST_ROW}:F{last}"].type == "decimal"
    # the sheet is protected without a password; only the cells to fill are open, and shaded
    assert ws.protection.sheet and not ws.protection.password
    for col in "ABCIJK":
        assert ws[f"{col}{FIRST_ROW}"].protection.locked
    for col in "DEFGH":
        cell = ws[f"{col}{FIRST_ROW}"]
        assert not cell.protection.locked and cell.fill.fgColor.rgb.endswith("FFF2CC")
    assert ws["B2"].protection.locked and not ws["G2"].protection.locked
    guide = "\n".join(str(c.value) for row in wb[GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert "2018年8月5日前报送" in guide
    for word, (meaning, needs) in STATUS_GUIDE.items():
        assert word in guide and meaning in guide and needs in guide
    assert tuple(STATUS_GUIDE) == PROGRESS_STATUSES


def test_an_untouched_form_is_read_with_its_carried_statuses(forms, registry):
    _, result = forms
    ctx = ReadContext(DIVISION, registry, b"s", {})
    read = read_file(result.folder / "县财政局.xlsx", RETURNS, ctx, "县财政局.xlsx")
    assert read.error is None and read.rejects.empty and len(read.rows) == 22
    assert read.metadata == {"unit": "县财政局", "period": PERIOD, "submitted_on": None}


def _fill(form: Path, rows: pd.DataFrame, submitted: dt.date, out: Path) -> Path:
    """Fill a form as the unit did in July: its reported rows, and the tasks it left out
    (no news: their status carries forward) deleted."""
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_SHEET]
    ws["G2"] = submitted
    reported = {r.task_code: r for r in rows.itertuples(index=False)}
    for r in range(ws.max_row, FIRST_ROW - 1, -1):
        code = ws.cell(r, 2).value
        if code not in reported:
            ws.delete_rows(r)
            continue
        row = reported.pop(code)
        values = (row.status, row.completed_on, row.quantity, row.evidence_url, row.note)
        for col, value in zip("DEFGH", values, strict=True):
            ws[f"{col}{r}"] = None if pd.isna(value) else value
    assert not reported, f"{form.name}: rows not in the form: {sorted(reported)}"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def filled(demo, demo_marts, forms, tmp_path_factory):
    """A data directory with the demo's returns, its July returns replaced by filled forms; built."""
    demo_dir, manifest, *_ = demo
    _, result = forms
    data_dir = tmp_path_factory.mktemp("filled")
    july = {r[0] for r in demo_marts.execute(
        "SELECT file FROM return_files WHERE period = ?", [PERIOD]).fetchall()}
    for f in manifest["files"]:
        if f["source"] == "returns" and f["file"] not in july:
            (data_dir / f["file"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(demo_dir / f["file"], data_dir / f["file"])
    rows = frame(demo_marts, f"SELECT * FROM return_rows WHERE period = '{PERIOD}' AND NOT superseded")
    sent = dict(demo_marts.execute(
        "SELECT unit, submitted_on FROM return_submissions WHERE period = ? AND NOT superseded",
        [PERIOD]).fetchall())
    folder = data_dir / "raw" / DIVISION / FORMS_FOLDER
    paths = [_fill(result.folder / f"{u}.xlsx", rows[rows["unit"] == u], sent[u], folder / f"{u}.xlsx")
             for u in result.units]
    build(data_dir, as_of=DEMO_AS_OF.isoformat(),
          selection=dg.AssetSelection.assets("gongkai_marts").upstream().without_checks())
    return data_dir, paths


def test_filled_forms_give_the_demo_task_status_with_nothing_quarantined(filled, demo):
    data_dir, paths = filled
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{demo[0] / 'marts' / 'gongkai.duckdb'}' AS d (READ_ONLY)")
        con.execute(f"ATTACH '{data_dir / 'marts' / 'gongkai.duckdb'}' AS f (READ_ONLY)")
        assert con.execute("SELECT year, count(*) FROM f.task_status GROUP BY 1 ORDER BY 1").fetchall() == [
            (2018, 702), (2019, 702)]
        for a, b in (("d", "f"), ("f", "d")):
            extra = con.execute(f"SELECT * FROM {a}.task_status EXCEPT ALL SELECT * FROM {b}.task_status"
                                ).fetchall()
            assert extra == [], f"only in {a}: {extra[:3]}"
        cols = "unit, period, task_code, status, completed_on, quantity, evidence_url, note, submitted_on"
        july = f"SELECT {cols} FROM {{}}.return_rows WHERE period = '{PERIOD}' AND NOT superseded"
        for a, b in (("d", "f"), ("f", "d")):
            assert con.execute(f"{july.format(a)} EXCEPT ALL {july.format(b)}").fetchall() == []
        form_files = f"raw/{DIVISION}/{FORMS_FOLDER}/%"
        refused = con.execute("SELECT count(*) FROM f.quarantine WHERE file LIKE ?", [form_files]).fetchone()
        assert refused == (0,)
        log = con.execute("SELECT count(*), sum(rows_loaded), sum(rows_quarantined) FROM f.ingest_log "
                          "WHERE file LIKE ? AND status = 'loaded'", [form_files]).fetchone()
        assert log[0] == len(paths) == 41 and log[2] == 0
        assert log[1] == con.execute(f"SELECT count(*) FROM ({july.format('d')})").fetchone()[0]
        on_time = con.execute(f"SELECT result, count(*) FROM f.return_periods WHERE period = '{PERIOD}' "
                              "GROUP BY 1").fetchall()
        assert on_time == [("on_time", 41)]
    finally:
        con.close()


def form_rows(path: Path) -> int:
    """How many rows a form's sheet has."""
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(FORM_SHEET).height


def test_forms_resaved_by_libreoffice_read_the_same_and_keep_their_rules(filled, tmp_path, registry):
    require_soffice()
    _, every = filled
    # the forms that between them hold every kind of cell the 41 filled forms hold, and the
    # longest (its rules span the most rows)
    chosen = fewest_covering({str(p): cell_kinds(p) for p in every}) | {str(max(every, key=form_rows))}
    paths = [p for p in every if str(p) in chosen]
    assert 1 < len(paths) < len(every)
    resaved = convert(paths, "xlsx", tmp_path / "resaved", tmp_path / "profile")
    ctx = ReadContext(DIVISION, registry, b"s", {})
    for original, copy in zip(paths, resaved, strict=True):
        a, b = read_file(original, RETURNS, ctx, "form.xlsx"), read_file(copy, RETURNS, ctx, "form.xlsx")
        assert b.error is None and b.rejects.empty, (copy.name, b.error, b.rejects)
        assert b.metadata == a.metadata and b.rows_read == a.rows_read
        pd.testing.assert_frame_equal(b.rows, a.rows, check_dtype=False)
    ws = openpyxl.load_workbook(resaved[0])[FORM_SHEET]
    assert ws.protection.sheet
    assert {dv.type for dv in ws.data_validations.dataValidation} >= {"list", "date", "decimal"}


def test_the_forms_command_and_periods(forms, monkeypatch, capsys):
    data_dir, _ = forms
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(data_dir))
    assert main(["forms", "--division", DIVISION, "--period", "2018年8月"]) == 0
    assert "41 个单位、702 项任务" in capsys.readouterr().out
    assert (data_dir / "marts" / "forms" / DIVISION / "2018-08" / "大战场镇.xlsx").exists()
    assert main(["forms", "--division", DIVISION, "--period", "2019-03"]) == 2
    assert "2019年3月" in capsys.readouterr().err
    assert parse_period(" 2018 年 7 月 ") == "2018-07" and due_date("2018-09", 5) == dt.date(2018, 10, 5)
    with pytest.raises(ValueError):
        parse_period("2018-13")


@pytest.mark.parametrize(("day", "period"), [(dt.date(2018, 7, 26), "2018-07"),
                                             (dt.date(2018, 9, 25), "2018-09")])
def test_forms_go_out_five_days_before_a_reporting_month_ends(day, period, tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(tmp_path))
    (tmp_path / "raw" / DIVISION / "returns").mkdir(parents=True)
    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(
        day.year, day.month, day.day, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    (request,) = return_forms_schedule(context)
    assert request.partition_key == DIVISION and request.tags["gongkai/period"] == period
    assert request.run_key == f"forms:{DIVISION}:{period}"
    for other in (day - dt.timedelta(days=1), day + dt.timedelta(days=1), dt.date(2020, 7, 26)):
        context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(
            other.year, other.month, other.day, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        assert isinstance(return_forms_schedule(context), dg.SkipReason)


def test_every_kind_of_field_gets_its_excel_rule():
    fields = {f.name: f for c in CONTRACTS.values() for f in (*c.metadata, *c.fields)}
    normative = validation_for(fields["normative"], "是否规范性文件")  # disclosures: 规范性文件 是/否
    assert (normative.type, normative.formula1) == ("list", '"是,否"')
    assert validation_for(fields["people"], "人数").type == "whole"
    assert validation_for(fields["fee_yuan"], "收费金额").type == "decimal"
    assert validation_for(fields["evidence_url"], "佐证链接") is None
    channel = validation_for(fields["channel"], "申请方式")  # an enum with its words in the contract
    assert channel.type == "list" and channel.error.startswith("请从下拉列表中选择：")
