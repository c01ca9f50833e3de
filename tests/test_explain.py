"""`python -m pipelines explain`: one cell of an annual table and the records behind it.

On the session's build of the hand-worked 2018 fixture of test_annual.py (its ledger carries
申请人, 证件号码 and 联系电话, which must never be printed).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_annual import PII

from pipelines.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(built_2018):
    """The session's build of the 2018 fixture (read only)."""
    return built_2018[0]


@pytest.fixture
def explain(built, monkeypatch, capsys):
    """Run the CLI in-process on the built fixture: (exit status, stdout, stderr)."""
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(built))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["explain", "--division", "640521", *args])
        out, err = capsys.readouterr()
        assert not [p for p in PII if p in out + err]
        return code, out, err

    return run


def test_a_request_row_lists_its_requests(explain):
    code, out, _ = explain("--year", "2018", "--template", "2008", "--row", "3.3.4.c")
    assert code == 0
    assert "数据截至 2019-01-10" in out  # the build's as-of, from build_info
    assert "涉及个人隐私" in out and "全县" in out and "数值：1 件（来源记录 1 条）" in out
    assert "申请编号 R05　受理单位 县公安局　收到 2018-04-02　答复 2018-04-04" in out
    assert "R06" not in out


def test_a_unit_cell_lists_only_that_units_requests(explain):
    code, out, _ = explain("--year", "2018", "--row", "3.1.3", "--col", "value", "--table", "main",
                           "--unit", "县财政局")
    assert code == 0
    listed = [line.split()[1] for line in out.splitlines() if line.strip().startswith("申请编号")]
    assert listed == ["R10", "R13", "R15", "R17"]  # by date of receipt; R13 by e-mail
    assert "数值：4 件" in out and "县财政局" in out.splitlines()[0]


def test_a_unit_may_be_named_by_its_alias(explain):
    code, out, _ = explain("--year", "2018", "--row", "3.1", "--unit", "公安局")
    assert code == 0 and "数值：3 件" in out  # R05 R09 R18


def test_disclosures_activities_appeals_and_facts(explain):
    code, out, _ = explain("--year", "2018", "--row", "1.2.5")
    assert code == 0
    for n, title in ((4, "专项资金管理办法"), (6, "关于群众反映噪音问题的回应"), (7, "宁安镇村务公开栏更新")):
        assert f"索引号 640521001/2018-{n:05d}　{title}" in out
    code, out, _ = explain("--year", "2018", "--row", "9.3")
    assert code == 0 and "数值：55 人次" in out and "培训一" in out and "计入 40" in out
    code, out, _ = explain("--year", "2018", "--row", "4.3")
    assert code == 0 and "案件编号 复议3" in out and "案件编号 复议4" in out
    code, out, _ = explain("--year", "2018", "--row", "8.2")
    assert code == 0 and "中宁县（全区划合计行）　查阅点数　填报值 4" in out
    assert "未计入的单位填报 2 行：县财政局 查阅点数 1、宁安镇 查阅点数 2" in out
    code, out, _ = explain("--year", "2018", "--row", "8.3.2")
    assert code == 0 and "合计方式：各单位填报之和（3 个单位）" in out and "数值：15 人" in out
    code, out, _ = explain("--year", "2018", "--row", "8.2", "--unit", "宁安镇")
    assert code == 0 and "宁安镇　查阅点数　填报值 2" in out and "合计方式" not in out


def test_a_header_row_and_a_sum(explain):
    code, out, _ = explain("--year", "2018", "--row", "8")
    assert code == 0 and "这是表头行，没有数值。" in out
    code, out, _ = explain("--year", "2018", "--row", "7")
    assert code == 0 and "数值：0.01005 万元" in out and "R19" in out and "计入 0.002" in out


def test_table_3_cell_of_2019(explain):
    code, out, _ = explain("--year", "2019", "--row", "3.1", "--col", "natural")
    assert code == 0 and "R17" in out and "予以公开" in out and "2019 模板" in out


@pytest.mark.parametrize("args, message", [
    (("--year", "2018", "--row", "9.9"), "2008 模板没有第 9.9 行"),
    (("--year", "2030", "--row", "3.1"), "没有 640521 2030 年的统计表"),
    (("--year", "2018", "--template", "2019", "--row", "3.1"), "使用 2008 模板，不是 2019 模板"),
    (("--year", "2018", "--row", "3.1", "--col", "natural"), "表 main 没有 natural 列"),
    (("--year", "2019", "--row", "3.1"), "表 3 有多列，请用 --col 指定"),
    (("--year", "2018", "--row", "3.1", "--unit", "县宇航局"), "单位“县宇航局”不在 640521 的单位名录中"),
])
def test_unknown_cells_exit_2(explain, args, message):
    code, out, err = explain(*args)
    assert code == 2 and out == ""
    assert err.startswith("找不到单元格：") and message in err


def test_the_command_line_itself(built):
    env = {**os.environ, "GONGKAI_DATA_DIR": str(built)}
    command = [sys.executable, "-m", "pipelines", "explain", "--division", "640521", "--year", "2018"]
    ok = subprocess.run([*command, "--row", "3.2.2"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "申请编号 R03" in ok.stdout and "申请编号 R04" in ok.stdout
    assert not [p for p in PII if p in ok.stdout + ok.stderr]
    bad = subprocess.run([*command, "--row", "3.3.9"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "找不到单元格" in bad.stderr and bad.stdout == ""
