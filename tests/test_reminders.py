"""The reminder list (催报清单) on the demo: who to call for each month, and why, in the asset's
metadata, the xlsx and the command; only units with tasks in the month are listed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest
from conftest import DIVISION

from pipelines.__main__ import main
from pipelines.definitions import defs, make_resources
from pipelines.demo import DEMO_AS_OF
from pipelines.forms.assets import return_reminders
from pipelines.forms.reminder_xlsx import LIST_SHEET, UNIDENTIFIED_SHEET, write_reminders
from pipelines.forms.reminders import PeriodNotDue, reminder_list, unidentified_files
from pipelines.partitions import ensure_partitions
from pipelines.settings import Settings


@pytest.fixture(scope="module")
def marts(demo, tmp_path_factory):
    """A data directory holding a copy of the demo's published marts (outputs go there)."""
    target = tmp_path_factory.mktemp("reminders")
    (target / "marts" / "divisions").mkdir(parents=True)
    shutil.copy2(demo[0] / "marts" / "gongkai.duckdb", target / "marts" / "gongkai.duckdb")
    shutil.copy2(demo[0] / "marts" / "divisions" / f"{DIVISION}.duckdb",
                 target / "marts" / "divisions" / f"{DIVISION}.duckdb")
    return target


@pytest.fixture(scope="module")
def con(marts):
    connection = duckdb.connect(str(marts / "marts" / "gongkai.duckdb"), read_only=True)
    yield connection
    connection.close()


def listed(frame) -> list[tuple[str, str]]:
    return list(zip(frame["unit"], frame["problem"], strict=True))


def test_august_names_dazhanchang_as_missing_and_nobody_else(con):
    frame = reminder_list(con, DIVISION, "2018-08")
    assert listed(frame) == [("大战场镇", "missing")]
    row = frame.iloc[0]
    assert row.problem_label == "未报送" and row.unit_kind == "乡镇"
    assert row.due_on == dt.date(2018, 9, 5) and row.submitted_on is None and row.file is None
    assert row.reason == "未收到2018年8月的进展报送表（应于2018年9月5日前报送）"


def test_september_names_the_civil_affairs_bureau_as_late(con):
    frame = reminder_list(con, DIVISION, "2018-09")
    assert listed(frame) == [("县民政局", "late")]
    row = frame.iloc[0]
    assert row.problem_label == "逾期报送" and row.submitted_on == dt.date(2018, 10, 15)
    assert row.reason == "应于2018年10月5日前报送，2018年10月15日才报送"
    assert row.file.startswith(f"raw/{DIVISION}/returns/")


def test_june_and_july_name_the_units_whose_rows_were_refused(con):
    june, july = reminder_list(con, DIVISION, "2018-06"), reminder_list(con, DIVISION, "2018-07")
    assert listed(june) == [("县工业和信息化局", "quarantined")]
    assert listed(july) == [("县工业（物流）园区管委会", "quarantined")]
    assert june["reason"].tolist() + july["reason"].tolist() == [
        "第5行“完成日期”填写的“6月底”有误：日期无法识别"
        "（可用格式：2018年6月30日、2018-06-30、2018/6/30、2018.6.30、20180630）",
        "第14行“进展状态”填写的“基本完成”有误：“进展状态”应为：未启动、推进中、已完成、长期坚持、不适用",
    ]


def test_a_file_from_an_unknown_unit_is_listed_apart_in_the_month_it_arrived(con):
    october = reminder_list(con, DIVISION, "2018-10")
    # 县公安局's row with task 9.9.9, 县农牧局's date 2018年13月5日
    assert listed(october) == [("县公安局", "quarantined"), ("县农牧局", "quarantined")]
    assert "县老干部局" not in set(october["unit"])  # no tasks in the plan: never listed as a unit
    files = unidentified_files(con, DIVISION, "2018-10")
    assert files["file"].tolist() == [f"raw/{DIVISION}/returns/县老干部局2018年10月政务公开进展报送表.xlsx"]
    assert files["received_on"].tolist() == [dt.date(2018, 11, 2)]
    assert "单位名称不在640521单位名录中" in files["reason"].iloc[0]
    assert unidentified_files(con, DIVISION, "2018-09").empty


def test_a_month_not_yet_due_or_without_a_plan_is_refused(con):
    with pytest.raises(PeriodNotDue, match="没有计划在该月报送进展"):
        reminder_list(con, DIVISION, "2019-02")
    assert reminder_list(con, DIVISION, "2018-12").empty  # due, and everyone in on time


def test_the_xlsx_lists_exactly_the_units_to_call(marts):
    settings = Settings(marts, DEMO_AS_OF)
    for period, row in (("2018-08", ["大战场镇", "未报送"]), ("2018-09", ["县民政局", "逾期报送"])):
        result = write_reminders(settings, DIVISION, period)
        assert result.path == marts / "marts" / "reports" / DIVISION / "reminders" / f"{period}.xlsx"
        wb = openpyxl.load_workbook(result.path)
        assert wb.sheetnames == [LIST_SHEET]
        ws = wb[LIST_SHEET]
        header = ["序号", "单位", "情况", "截止日期", "报送日期", "原因（电话告知）", "涉及文件"]
        assert [c.value for c in ws[3]] == header
        rows = list(ws.iter_rows(min_row=4, values_only=True))
        assert len(rows) == 1 and [rows[0][0], *rows[0][1:3]] == [1, *row]
        assert rows[0][5] == result.reminders["reason"].iloc[0]
    october = openpyxl.load_workbook(write_reminders(settings, DIVISION, "2018-10").path)
    assert october.sheetnames == [LIST_SHEET, UNIDENTIFIED_SHEET]
    nobody = openpyxl.load_workbook(write_reminders(settings, DIVISION, "2018-12").path)[LIST_SHEET]
    assert nobody.max_row == 4 and "无需催报" in nobody.cell(4, 2).value


@pytest.mark.parametrize(("period", "missing", "late"), [("2018-08", ["大战场镇"], []),
                                                         ("2018-09", [], ["县民政局"])])
def test_the_asset_shows_the_list_in_the_ui_metadata(marts, period, missing, late):
    instance = dg.DagsterInstance.ephemeral()
    ensure_partitions(instance, [DIVISION])
    result = dg.materialize([return_reminders], resources=make_resources(str(marts), DEMO_AS_OF.isoformat()),
                            instance=instance, partition_key=DIVISION, tags={"gongkai/period": period})
    assert result.success
    (event,) = result.get_asset_materialization_events()
    meta = {k: v.value for k, v in event.materialization.metadata.items()}
    assert meta["period"] == period and meta["reminders"] == 1
    assert meta["missing"] == missing and meta["late"] == late and meta["quarantined"] == []
    unit = (missing or late)[0]
    assert meta["list"].splitlines()[2].startswith(f"| {unit} | {'未报送' if missing else '逾期报送'} |")
    assert Path(meta["path"]).exists()


def test_the_reminders_command(marts, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(marts))
    assert main(["reminders", "--division", DIVISION, "--period", "2018年8月"]) == 0
    out = capsys.readouterr().out
    assert "大战场镇　未报送　未收到2018年8月的进展报送表" in out and "县民政局" not in out
    assert main(["reminders", "--division", DIVISION, "--period", "2019-02"]) == 2


def test_reminders_run_with_the_monthly_progress_run_and_not_on_file_drops():
    graph = defs.resolve_asset_graph()
    monthly = defs.resolve_job_def("monthly_progress").asset_layer.selected_asset_keys
    assert dg.AssetKey("return_reminders") in monthly and dg.AssetKey("return_forms") not in monthly
    for sensor in ("returns_files", "requests_files"):
        keys = defs.get_sensor_def(sensor).asset_selection.resolve(graph)
        assert not {"return_reminders", "return_forms"} & {k.path[-1] for k in keys}


def test_the_plan_progress_notebook_shows_the_year_month_by_month(con):
    from pipelines.notebooks.analysis import reminders

    months = reminders.by_month(con, DIVISION, 2018)
    assert months["month_label"].tolist() == [f"2018年{m}月" for m in range(6, 13)]
    assert set(months["units_due"]) == {41}
    counts = months.set_index("month_label")[["missing", "quarantined", "late_submitted"]]
    assert counts.loc["2018年8月"].tolist() == [1, 0, 0]
    assert counts.loc["2018年9月"].tolist() == [0, 0, 1]
    assert counts.sum().tolist() == [1, 4, 1]
    period, listing = reminders.month_list(con, DIVISION, 2018, "2018-08")
    assert period == "2018-08" and listing["unit"].tolist() == ["大战场镇"]
    assert listing.iloc[0].reason == "未收到2018年8月的进展报送表（应于2018年9月5日前报送）"
    latest, listing = reminders.month_list(con, DIVISION, 2018)
    assert latest == "2018-12" and listing.empty
