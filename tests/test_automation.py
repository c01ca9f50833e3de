"""File-arrival sensors (by content hash) and the schedules' dates."""

from __future__ import annotations

import os
from datetime import date

import dagster as dg
import pytest
from conftest import copy_built, return_rows, write_xlsx

from pipelines.automation import (
    build_file_sensor,
    monthly_progress_schedule,
    previous_month,
    scheduled_at,
    yearly_report_schedule,
)
from pipelines.definitions import defs
from pipelines.settings import SENSOR_INTERVAL_VARIABLE, sensor_interval_seconds


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(tmp_path))
    (tmp_path / "raw" / "640521" / "returns").mkdir(parents=True)
    return tmp_path


def tick(sensor_name: str, cursor: str | None, instance):
    """One evaluation as the daemon does it, applying the sensor's new partitions."""
    sensor = defs.get_sensor_def(sensor_name)
    context = dg.build_sensor_context(cursor=cursor, instance=instance, definitions=defs)
    result = sensor(context)
    if isinstance(result, dg.SkipReason):
        return [], context.cursor
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return list(result.run_requests or []), context.cursor


def write_return(folder, name, status, mtime=None):
    path = write_xlsx(
        folder / name,
        return_rows("县财政局", "2018-07", "2018-08-03", [["1.1.1", "x", status, None, None, None, None]]),
    )
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_new_same_and_changed_files(env):
    instance = dg.DagsterInstance.ephemeral()
    folder = env / "raw" / "640521" / "returns"
    requests, cursor = tick("returns_files", None, instance)
    assert requests == []  # nothing there yet
    write_return(folder, "a.xlsx", "推进中")
    requests, cursor = tick("returns_files", cursor, instance)
    assert len(requests) == 1
    first_key = requests[0].run_key
    assert first_key.startswith("returns:640521:") and requests[0].partition_key == "640521"
    # the request names no assets of its own: the run is the sensor's selection, which is
    # everything the returns feed (down to the pack and notebooks) and nothing the ledgers feed
    assert requests[0].asset_selection is None
    graph = defs.resolve_asset_graph()
    sensor_keys = {k.path[-1] for k in defs.get_sensor_def("returns_files").asset_selection.resolve(graph)}
    fed = {k.path[-1] for k in dg.AssetSelection.assets("stg_returns").downstream().resolve(graph)}
    groups = {k.path[-1]: graph.get(k).group_name for k in graph.get_all_asset_keys()}
    # everything the returns feed but the forms (made for the period a schedule names) …
    assert sensor_keys >= {k for k in fed if groups[k] != "forms"}
    assert {"leaders_pack", "notebook_plan_progress", "notebook_requests", "gongkai_marts"} <= sensor_keys
    assert not {k for k in fed if groups[k] == "forms"} & sensor_keys
    # … and above them only the reference data and the plan catalogue (a county with nothing
    # published yet has no plan_tasks to start from), nothing another source's files feed
    assert {groups[k] for k in sensor_keys - fed} == {"reference", "plan"}
    assert {k for k in sensor_keys - fed if groups[k] == "plan"} == {"plan_catalogue"}
    others = {k.path[-1] for s in ("requests", "disclosures", "appeals", "activities", "facts")
              for k in dg.AssetSelection.assets(f"stg_{s}").resolve(graph)}
    assert others and not others & sensor_keys
    # the same file dropped again (rewritten with the same content, new mtime): nothing
    data = (folder / "a.xlsx").read_bytes()
    (folder / "a.xlsx").write_bytes(data)
    requests, cursor = tick("returns_files", cursor, instance)
    assert requests == []
    # a corrected file: a new run, with a new key
    write_return(folder, "a.xlsx", "已完成")
    requests, cursor = tick("returns_files", cursor, instance)
    assert len(requests) == 1 and requests[0].run_key != first_key
    # a file copied in with an old modification time is not skipped
    write_return(folder, "b.xlsx", "未启动", mtime=946684800)  # 2000-01-01
    requests, cursor = tick("returns_files", cursor, instance)
    assert len(requests) == 1 and "b.xlsx" in requests[0].tags["gongkai/files"]
    # other sources' sensors are not disturbed by a return
    assert tick("requests_files", None, instance)[0] == []


def test_cursor_survives_a_restart(env):
    folder = env / "raw" / "640521" / "returns"
    write_return(folder, "a.xlsx", "推进中")
    requests, cursor = tick("returns_files", None, dg.DagsterInstance.ephemeral())
    assert len(requests) == 1
    # a new daemon process: only the stored cursor is carried over
    requests, _ = tick("returns_files", cursor, dg.DagsterInstance.ephemeral())
    assert requests == []


def test_a_county_built_before_the_instance_existed_is_registered_without_a_run(one_return_built, tmp_path,
                                                                               monkeypatch):
    """Built by the CLI, then ``make ui`` on a new instance: the first tick launches nothing (the
    published marts hold every file) but makes the county a partition, so a run can be launched
    for it by hand."""
    data_dir = copy_built(one_return_built, tmp_path / "data")
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(data_dir))
    instance = dg.DagsterInstance.ephemeral()
    assert instance.get_dynamic_partitions("division") == []
    requests, _ = tick("returns_files", None, instance)
    assert requests == [] and instance.get_dynamic_partitions("division") == ["640521"]


@pytest.mark.parametrize(("day", "period"), [(date(2018, 8, 6), "2018-07"), (date(2019, 1, 6), "2018-12")])
def test_monthly_schedule_fires_the_day_after_the_plans_due_day(day, period, env):
    context = dg.build_schedule_context(scheduled_execution_time=scheduled_at(day))
    (request,) = monthly_progress_schedule(context)
    assert request.partition_key == "640521"
    assert request.tags["gongkai/period"] == period and request.run_key == f"monthly:640521:{period}"


@pytest.mark.parametrize("day", [date(2018, 8, 5), date(2018, 8, 7), date(2018, 8, 20)])
def test_monthly_schedule_skips_other_days(day, env):
    context = dg.build_schedule_context(scheduled_execution_time=scheduled_at(day))
    assert isinstance(monthly_progress_schedule(context), dg.SkipReason)


def test_monthly_schedule_without_a_plan_for_the_year(env):
    context = dg.build_schedule_context(scheduled_execution_time=scheduled_at(date(2024, 3, 6)))
    result = monthly_progress_schedule(context)
    assert isinstance(result, dg.SkipReason) and "2024" in result.skip_message


def test_yearly_schedule_builds_the_year_just_closed(env):
    context = dg.build_schedule_context(scheduled_execution_time=scheduled_at(date(2019, 1, 15), 9))
    (request,) = yearly_report_schedule(context)
    assert request.tags["gongkai/year"] == "2018" and request.run_key == "yearly:640521:2018"
    assert request.partition_key == "640521"
    assert previous_month(date(2019, 1, 6)) == "2018-12"


def test_the_sensors_look_as_often_as_the_office_says(monkeypatch):
    assert sensor_interval_seconds({}) == 15  # unset: every 15 s
    assert defs.get_sensor_def("returns_files").minimum_interval_seconds == sensor_interval_seconds()
    assert sensor_interval_seconds({SENSOR_INTERVAL_VARIABLE: "60"}) == 60
    with pytest.raises(ValueError, match=SENSOR_INTERVAL_VARIABLE):
        sensor_interval_seconds({SENSOR_INTERVAL_VARIABLE: "0"})
    monkeypatch.setenv(SENSOR_INTERVAL_VARIABLE, "2")
    assert build_file_sensor("facts").minimum_interval_seconds == 2
