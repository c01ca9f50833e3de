"""Cost that follows the change in one county: only new files are parsed (and the marts are
those of a cold build), and a later year's files leave the earlier years' outputs untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DIVISION, READ_INTO_MARTS, build, return_rows, write_xlsx
from province import write_requests

from pipelines.marts.diff import diff_databases
from pipelines.pack import assets as pack_assets

# The history of published figures is not the marts: a warm division has published twice.
HISTORY_TABLES = ("figure_publications", "annual_report_history", "plan_metrics_history",
                  "annual_report_sources_history")


def materializations(result) -> dict[str, dict]:
    """Metadata of each asset materialized in a run, by asset name."""
    return {e.asset_key.path[-1]: {k: v.value for k, v in e.materialization.metadata.items()}
            for e in result.get_asset_materialization_events()}


def test_only_new_files_are_parsed_and_the_marts_are_those_of_a_cold_build(data_dir, tmp_path):
    returns = data_dir / "raw" / DIVISION / "returns"
    for unit in ("县财政局", "县教育局"):
        write_xlsx(returns / f"{unit}.xlsx", return_rows(unit, "2018-07", "2018-08-03",
                                                         [["1.1.1", "x", "推进中", None, None, None, None]]))
    first = materializations(build(data_dir, selection=READ_INTO_MARTS))
    assert (first["stg_returns"]["files_parsed"], first["stg_returns"]["files_cached"]) == (2, 0)
    write_xlsx(returns / "县公安局.xlsx", return_rows("县公安局", "2018-07", "2018-08-04",
                                                  [["1.1.1", "x", "已完成", "2018-07-30", None, None, None]]))
    second = materializations(build(data_dir, selection=READ_INTO_MARTS))
    assert (second["stg_returns"]["files_parsed"], second["stg_returns"]["files_cached"]) == (1, 2)
    assert second["stg_returns"]["parsed"] == [f"raw/{DIVISION}/returns/县公安局.xlsx"]
    assert second["stg_requests"]["files_parsed"] == 0

    # The same three files built cold elsewhere give the same marts, row for row.
    cold = tmp_path / "cold"
    shutil.copytree(data_dir / "raw", cold / "raw")
    shutil.copy(data_dir / ".gongkai-secret", cold / ".gongkai-secret")
    build(cold, selection=READ_INTO_MARTS)
    # The history of published figures is not the marts: a warm division has published twice.
    diffs = diff_databases(data_dir / "marts" / "divisions" / f"{DIVISION}.duckdb",
                           cold / "marts" / "divisions" / f"{DIVISION}.duckdb",
                           ignore_columns=("built_at", "build_id"), ignore_tables=HISTORY_TABLES)
    assert diffs == [], "\n".join(map(str, diffs))

    # What the parse depends on changed (the unit registry): every file is parsed again.
    reference = data_dir / "reference" / DIVISION
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "reference" / DIVISION, reference)
    with (reference / "units.csv").open("a", encoding="utf-8") as fh:
        fh.write("县新设局,部门,\n")
    third = materializations(build(data_dir, selection=READ_INTO_MARTS))
    assert (third["stg_returns"]["files_parsed"], third["stg_returns"]["files_cached"]) == (3, 0)


def test_a_later_year_leaves_the_earlier_years_outputs_untouched(data_dir, monkeypatch):
    # The pack's own outputs are the subject, not its PNGs (test_pack draws those): no browser.
    monkeypatch.setattr(pack_assets.BROWSER, "get", lambda: (None, "本测试不画 PNG 图表"))
    write_requests(data_dir / "raw" / DIVISION / "requests" / "2018台账.csv", DIVISION, 4, 2018)
    write_requests(data_dir / "raw" / DIVISION / "requests" / "2019台账.csv", DIVISION, 2, 2019)
    build(data_dir, as_of="2019-12-31", pack=True)
    reports = data_dir / "marts" / "reports" / DIVISION
    files_2018 = {p: (p.stat().st_mtime_ns, p.read_bytes())
                  for p in (reports / "2018").rglob("*") if p.is_file()}
    page_2019 = (reports / "2019" / "report.html").read_text(encoding="utf-8")
    assert {p.name for p in files_2018} >= {"annual-report.xlsx", "annual-report.docx", "report.html"}

    # A 2019 return (its file is listed in return_files, a table of every year's files) and
    # more 2019 requests: 2018's pages read neither.
    write_xlsx(data_dir / "raw" / DIVISION / "returns" / "2019-07-县财政局.xlsx",
               return_rows("县财政局", "2019-07", "2019-08-02",
                           [["1.1.1", "x", "推进中", None, None, None, None]]))
    write_requests(data_dir / "raw" / DIVISION / "requests" / "2019补充台账.csv", "X", 3, 2019)
    result = build(data_dir, as_of="2019-12-31", pack=True)
    pack = materializations(result)["leaders_pack"]
    assert pack["unchanged_years"] == [2018]
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files_2018} == files_2018
    assert (reports / "2019" / "report.html").read_text(encoding="utf-8") != page_2019
