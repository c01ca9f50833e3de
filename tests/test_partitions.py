"""Two counties in one data directory: separate partitions, separate fates."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import READ_INTO_MARTS, build, copy_built, marts, return_rows, write_xlsx

from pipelines.reference.store import SHIPPED_REFERENCE


def second_county(data_dir, code="640522", name="海原县"):
    """A second division's reference data (the 640521 registry and plan under another code)."""
    folder = data_dir / "reference" / code
    shutil.copytree(SHIPPED_REFERENCE / "640521", folder)
    meta = json.loads((folder / "division.json").read_text(encoding="utf-8"))
    (folder / "division.json").write_text(
        json.dumps({**meta, "code": code, "name": name}, ensure_ascii=False), encoding="utf-8"
    )
    for path in folder.glob("plan-*.json"):  # the 2018 and 2019 plans
        plan = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**plan, "division": code}, ensure_ascii=False), encoding="utf-8")


def a_return(data_dir, division, unit, status, name="r.xlsx"):
    write_xlsx(
        data_dir / "raw" / division / "returns" / name,
        return_rows(unit, "2018-07", "2018-08-03", [["1.1.1", "x", status, None, None, None, None]]),
    )


def statuses(data_dir):
    con = marts(data_dir)
    try:
        return dict(con.execute("SELECT division || ' ' || unit, status FROM return_rows").fetchall())
    finally:
        con.close()


@pytest.fixture(scope="module")
def two_counties(tmp_path_factory):
    """Two counties, one return each, built once: (data_dir, results by division). Read only."""
    data_dir = tmp_path_factory.mktemp("two_counties")
    second_county(data_dir)
    a_return(data_dir, "640521", "县财政局", "推进中")
    a_return(data_dir, "640522", "县审计局", "未启动")
    return data_dir, build(data_dir, selection=READ_INTO_MARTS)


def test_two_divisions_build_as_separate_partitions(two_counties):
    data_dir, results = two_counties
    assert set(results) == {"640521", "640522"}
    assert all(r.success for r in results.values())
    for division, result in results.items():
        assert result.dagster_run.tags["dagster/partition"] == division
    assert (data_dir / "marts" / "divisions" / "640521.duckdb").exists()
    assert (data_dir / "marts" / "divisions" / "640522.duckdb").exists()
    assert statuses(data_dir) == {"640521 县财政局": "推进中", "640522 县审计局": "未启动"}
    con = marts(data_dir)
    assert con.execute("SELECT division, year, count(*) FROM plan_tasks GROUP BY ALL ORDER BY ALL"
                       ).fetchall() == [("640521", 2018, 37), ("640521", 2019, 37),
                                        ("640522", 2018, 37), ("640522", 2019, 37)]
    # shared rules are not doubled by the assembly
    assert con.execute("SELECT count(*) = count(DISTINCT day) FROM ref_calendar").fetchone()[0]
    con.close()


def test_a_broken_county_does_not_stop_the_other(two_counties, tmp_path):
    data_dir = copy_built(two_counties[0], tmp_path / "data")
    # 640522 now sends a ledger its calendar cannot time (a hard failure for that county) …
    write_xlsx(
        data_dir / "raw" / "640522" / "requests" / "q.xlsx",
        [
            ["申请编号", "收到日期", "申请方式", "申请人类型", "受理单位", "办理结果", "答复日期"],
            ["X-1", "2031-03-02", "网络", "自然人", "县财政局", None, None],
        ],
    )
    a_return(data_dir, "640522", "县审计局", "已完成")
    # … while 640521 sends a correction
    a_return(data_dir, "640521", "县财政局", "已完成")
    results = build(data_dir, selection=READ_INTO_MARTS, expect_success=False)
    assert results["640521"].success and not results["640522"].success
    assert statuses(data_dir) == {"640521 县财政局": "已完成", "640522 县审计局": "未启动"}
