"""The history of published figures, and the as-of date every reader takes from ``build_info``.

The hand-worked 2018 fixture of test_annual.py is published four times: at 2019-01-10; on
2019-01-20 with a late facts return of 县审计局 (专职人员数 1: cell 8.3.1 goes 4 → 5); on
2019-03-01, after 2018 closed, with a second one (兼职人员数 2: 8.3.2 goes 15 → 17, and case 复议4,
decided 2019-02-01, moves from 4.3 to 4.1); and again on 2019-03-01 with nothing new.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import nbformat
import pytest
from conftest import DIVISION, build, check_results, copy_built, marts, write_xlsx
from test_annual import FACT_HEADER, PII, raw

from pipelines.__main__ import main
from pipelines.notebooks.run import KERNEL, run_notebook
from pipelines.pack.assets import write_packs
from pipelines.pack.load import load_pack
from pipelines.settings import Settings

AS_OFS = ("2019-01-10", "2019-01-20", "2019-03-01", "2019-03-01")
LATE_JANUARY = "县审计局补报.xlsx"
LATE_MARCH = "县审计局补报（二）.xlsx"


@pytest.fixture(scope="module")
def published(built_2018, tmp_path_factory):
    """The data directory after the four publications, with their runs: the first is the
    session's build of the 2018 fixture at 2019-01-10, copied."""
    source, first = built_2018
    data_dir = copy_built(source, tmp_path_factory.mktemp("history") / "data")
    runs = [first]
    write_xlsx(raw(data_dir, "facts") / LATE_JANUARY, [FACT_HEADER, [2018, "县审计局", "专职人员数", 1]])
    runs.append(build(data_dir, as_of=AS_OFS[1]))
    write_xlsx(raw(data_dir, "facts") / LATE_MARCH, [FACT_HEADER, [2018, "县审计局", "兼职人员数", 2]])
    runs.append(build(data_dir, as_of=AS_OFS[2]))
    runs.append(build(data_dir, as_of=AS_OFS[3]))
    return data_dir, runs


@pytest.fixture
def explain(published, monkeypatch, capsys):
    data_dir, _ = published
    monkeypatch.setenv("GONGKAI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GONGKAI_AS_OF", "2031-07-01")  # never the readers' as-of

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["explain", "--division", DIVISION, "--year", "2018", *args])
        out, err = capsys.readouterr()
        assert not [p for p in PII if p in out + err]
        return code, out, err

    return run


def test_every_publication_is_recorded_and_unchanged_figures_are_not_copied(published):
    data_dir, runs = published
    ids = [r.run_id for r in runs]
    con = marts(data_dir)
    pubs = con.execute("SELECT build_id, as_of, annual_build_id, annual_previous_build_id, "
                       "annual_cells_changed FROM figure_publications WHERE year = 2018 "
                       "ORDER BY published_at").fetchall()
    assert [p[0] for p in pubs] == ids
    assert [p[1] for p in pubs] == [dt.date.fromisoformat(a) for a in AS_OFS]
    assert [p[2] for p in pubs] == [ids[0], ids[1], ids[2], ids[2]]  # the 4th shows the 3rd's figures
    assert [p[3] for p in pubs] == [None, ids[0], ids[1], ids[2]]
    # January: 8.3.1 and the 8.3 above it, for the county and 县审计局 (4 cells); March: 8.3.2 and
    # 8.3 for both, and 复议4 (县公安局) moving from 4.3 to 4.1 for the county and its unit (8)
    assert [p[4] for p in pubs[1:]] == [4, 8, 0]
    snapshots = con.execute("SELECT build_id, count(*) FROM annual_report_history WHERE year = 2018 "
                            "GROUP BY 1").fetchall()
    assert {b for b, _ in snapshots} == set(ids[:3])
    assert len({n for _, n in snapshots}) == 1  # each snapshot is the year's every cell
    value = {b: v for b, v in con.execute(
        "SELECT build_id, value FROM annual_report_history WHERE year = 2018 AND unit IS NULL "
        "AND row_code = '8.3.2'").fetchall()}
    assert value == {ids[0]: 15, ids[1]: 15, ids[2]: 17}
    # the spec's columns: the annual_report columns and build_id, as_of, published_at
    history = {c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_name = 'annual_report_history'").fetchall()}
    report = {c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                        "WHERE table_name = 'annual_report'").fetchall()}
    assert history >= report | {"build_id", "as_of", "published_at"}
    assert con.execute("SELECT count(DISTINCT build_id) FROM plan_metrics_history").fetchone()[0] >= 2


def test_a_changed_cell_of_a_closed_year_warns(published):
    _, runs = published
    checks = [check_results(r)["annual_closed_year_changes"] for r in runs]
    assert [c.passed for c in checks] == [True, True, False, True]  # 2018 closed after 31 January
    assert checks[2].severity.value == "WARN"
    cells = checks[2].metadata["cells"].value
    assert "640521 2018 年 全县 表 main 第 8.3.2 行「2.兼职人员数」：15 → 17" in cells
    assert "640521 2018 年 全县 表 main 第 4.1 行「（一）维持具体行政行为数」：1 → 2" in cells
    assert "640521 2018 年 县审计局 表 main 第 8.3.2 行「2.兼职人员数」：0 → 2" in cells
    assert not any("8.3.1" in c for c in cells)  # changed in January, while 2018 was still open


def test_explain_since_names_the_records_behind_the_change(published, explain):
    _, runs = published
    code, out, _ = explain("--row", "8.3.2", "--since", runs[1].run_id[:8])
    assert code == 0
    assert "数据截至 2019-03-01" in out
    assert (f"构建 {runs[1].run_id[:8]}，数据截至 2019-01-20）的数字相比：原值 15 人，现值 17 人（增加 2 人）"
            in out)
    assert "新计入的记录（1 条）" in out
    assert f"县审计局　兼职人员数　填报值 2　计入 2　（raw/{DIVISION}/facts/{LATE_MARCH} 第 2 行）" in out
    code, out, _ = explain("--row", "4.3", "--since", runs[0].run_id)
    assert code == 0 and "原值 2 件，现值 1 件（减少 1 件）" in out
    assert "不再计入的记录（1 条）" in out and "案件编号 复议4" in out and "结案 2019-02-01" in out
    code, out, _ = explain("--row", "8.3.1", "--unit", "县审计局", "--since", runs[0].run_id[:6])
    assert code == 0 and "原值 0 人，现值 1 人" in out and LATE_JANUARY in out


def test_explain_since_a_date(published, explain):
    code, out, _ = explain("--row", "8.3.2", "--since", dt.date.today().isoformat())
    assert code == 0 and "所选的就是最近一次发布" in out and "来源记录没有变化" in out
    code, out, err = explain("--row", "8.3.2", "--since", "2000-01-01")
    assert code == 2 and out == "" and "2000-01-01 及以前没有 640521 2018 年的发布" in err
    code, _, err = explain("--row", "8.3.2", "--since", "zzzz")
    assert code == 2 and "构建号以 zzzz 开头的没有发布" in err


def test_the_pack_lists_what_changed_since_the_last_publication(published, tmp_path):
    data_dir, runs = published
    # The environment's as-of is not the pack's: it takes the build's.
    results = write_packs(Settings(data_dir, dt.date(2031, 7, 1)), png_enabled=False,
                          divisions=[DIVISION], force=True)
    assert {r.year for r in results} == {2017, 2018, 2019}  # the fixture's records reach 2017 and 2019
    page = (data_dir / "marts" / "reports" / DIVISION / "2018" / "report.html").read_text(encoding="utf-8")
    assert "数据截至 2019年3月1日" in page and "数据截至 2031" not in page
    section = page[page.index('<h2 id="changes">与上次发布相比</h2>'):]
    section = section[:section.index("<h2", 10)]
    # the last publication with other figures is the second (the fourth republished the third's)
    assert "与上次发布（" in section and f"构建 {runs[1].run_id[:8]}，数据截至 2019-01-20）相比" in section
    assert re.search(r"<td>（二）设置政府信息公开查阅点数</td>", section) is None  # unchanged: a total
    row = re.search(r"<td class=\"code\">8.3.2</td><td>2.兼职人员数</td><td class=\"num\">(\S+)</td>"
                    r"<td class=\"num\">(\S+)</td><td class=\"num\">(\S+)</td>", section)
    assert row and row.groups() == ("15人", "17人", "+2")
    assert "<td class=\"code\">4.1</td>" in section and "<td class=\"code\">8.3.1</td>" not in section


def test_every_reader_takes_the_as_of_from_build_info(published, monkeypatch, tmp_path):
    data_dir, _ = published
    monkeypatch.setenv("GONGKAI_AS_OF", "2031-07-01")
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        pack = load_pack(con, Settings(data_dir, dt.date(2031, 7, 1)), DIVISION, 2018)
    finally:
        con.close()
    assert pack.as_of == dt.date(2019, 3, 1)
    # A notebook run later, in an environment that says otherwise, shows the build's as-of.
    KERNEL.shutdown()  # a fresh kernel inherits the environment set above
    try:
        run = run_notebook("requests", DIVISION, 2018, data_dir, out_dir=tmp_path,
                           keep_ipynb=tmp_path / "r.ipynb")
        nb = nbformat.read(tmp_path / "r.ipynb", as_version=4)
    finally:
        KERNEL.shutdown()
    shown = [o for c in nb.cells if "as-of" in c.metadata.get("tags", []) for o in c.outputs]
    text = shown[0]["data"]["text/markdown"]
    assert text.startswith("数据截至 2019年3月1日") and "2031" not in text
    assert "数据截至 2019年3月1日" in run.html.read_text(encoding="utf-8")
