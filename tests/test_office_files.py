"""Files as real office suites write them: the demo's returns and ledgers converted by LibreOffice
to .xls, .ods and a re-saved .xlsx, and the ledgers exported as GB18030 CSV, give the same
marts as the originals; and the cells office suites write that openpyxl does not (formulas
with cached values, rich text, dates as numbers with a date style, merged titles, hidden
sheets) are read as a person sees them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import DIVISION, READ_INTO_MARTS, build, return_rows
from libreoffice import CSV_GB18030, cell_kinds, convert, fewest_covering, require_soffice
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from pipelines.demo import DEMO_AS_OF
from pipelines.ingest.contracts import RETURNS
from pipelines.ingest.normalise import ReadContext
from pipelines.ingest.reader import read_file
from pipelines.marts.diff import diff_databases
from pipelines.privacy import SECRET_FILE

FORMATS = ("xls", "ods", "xlsx")
# Columns that name the raw file (or its bytes), which a conversion changes by design.
FILE_COLUMNS = ("file", "source_file", "sha256", "size_bytes")
# A CSV has no sheets: the sheet a quarantined row or a disclosure came from is "" there.
SHEET_COLUMNS = ("sheet", "source_sheet")
# What a build records about itself (its time, id and the digests of the files it read)
# differs between any two builds: the figures are what must not.
BUILD_TABLES = ("build_info", "figure_publications")
# The history of published figures keys every row by the publication that made it.
BUILD_COLUMNS = ("build_id", "published_at", "added_build_id", "added_at", "removed_build_id", "removed_at")


def build_marts(data_dir: Path) -> None:
    """Build a data directory to its published marts, with one HMAC secret for every variant
    so applicant keys agree."""
    (data_dir / SECRET_FILE).write_text("office-files-test", encoding="utf-8")
    build(data_dir, as_of=DEMO_AS_OF.isoformat(), selection=READ_INTO_MARTS)


def representative(manifest: dict, data_dir: Path) -> list[dict]:
    """Every workbook ledger; the resubmitted return and its correction and the return from an
    unknown unit; and, of the returns sent in August 2018 (every unit's July return, each in its
    unit's own style, with the planted bad cells), the fewest that between them hold every
    kind of cell of them all (``cell_kinds``, ``fewest_covering``)."""
    pair = {f for s in manifest["supersessions"] if s["kind"] == "resubmitted_return"
            for f in (s["superseded_file"], s["by_file"])}
    special = pair | {r["file"] for r in manifest["rejected_files"]}
    workbooks = [f for f in manifest["files"] if f["format"] == "xlsx"]
    always = {f["file"] for f in workbooks if f["source"] != "returns" or f["file"] in special}
    defects: dict[str, set[tuple]] = {}
    for d in manifest["defects"]:
        defects.setdefault(d["file"], set()).add(("defect", d["defect"]))
    kinds = {f["file"]: cell_kinds(data_dir / f["file"], defects.get(f["file"], set()))
             for f in workbooks if f["source"] == "returns" and (f["sent_at"].startswith("2018-08")
                                                                or f["file"] in special)}
    chosen = fewest_covering(kinds, set().union(*(kinds[f] for f in special if f in kinds)))
    return [f for f in workbooks if f["file"] in always | chosen]


def place(data_dir: Path, files: list[tuple[Path, str]]) -> None:
    for src, rel in files:
        dst = data_dir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


@pytest.fixture(scope="module")
def office_marts(demo, tmp_path_factory):
    """The originals (picked from the session's demo files) and each LibreOffice variant,
    built ({variant: data_dir}), the files picked, and the office-features workbook as
    LibreOffice saved it ({format: path})."""
    require_soffice()
    root = tmp_path_factory.mktemp("office")
    demo, manifest, *_ = demo
    picked = representative(manifest, demo)
    features = office_workbook(root / "features" / "办公软件特性.xlsx")
    sources = [demo / f["file"] for f in picked]
    ledgers = [f for f in picked if f["source"] != "returns"]
    dirs = {v: root / v for v in ("original", *FORMATS, "csv")}
    place(dirs["original"], [(demo / f["file"], f["file"]) for f in picked])
    saved = {}
    for fmt in FORMATS:  # one soffice call per format, many files each
        *out, saved[fmt] = convert([*sources, features], fmt, root / "converted" / fmt, root / "profile")
        place(dirs[fmt], [(o, str(Path(f["file"]).with_suffix(f".{fmt}")))
                          for o, f in zip(out, picked, strict=True)])
    out = convert([demo / f["file"] for f in ledgers], CSV_GB18030, root / "converted" / "csv",
                  root / "profile")
    csvs = [(o, str(Path(f["file"]).with_suffix(".csv"))) for o, f in zip(out, ledgers, strict=True)]
    place(dirs["csv"], csvs + [(demo / f["file"], f["file"]) for f in picked if f["source"] == "returns"])
    for data_dir in dirs.values():
        build_marts(data_dir)
    return dirs, picked, saved


def marts_of(data_dir: Path) -> Path:
    return data_dir / "marts" / "gongkai.duckdb"


@pytest.mark.parametrize("fmt", FORMATS)
def test_libreoffice_xls_ods_and_resaved_xlsx_give_identical_marts(office_marts, fmt):
    dirs, picked, _ = office_marts
    files = sorted(p.suffix for p in (dirs[fmt] / "raw").rglob("*.*"))
    assert files == [f".{fmt}"] * len(picked)
    diffs = diff_databases(marts_of(dirs["original"]), marts_of(dirs[fmt]),
                           ignore_columns=FILE_COLUMNS + BUILD_COLUMNS,
                           ignore_tables=BUILD_TABLES)
    assert not diffs, "\n".join(map(str, diffs))


def test_libreoffice_gb18030_csv_ledgers_give_identical_marts(office_marts):
    dirs, picked, _ = office_marts
    csvs = sorted((dirs["csv"] / "raw").rglob("*.csv"))
    assert len(csvs) == sum(f["source"] != "returns" for f in picked) == 10  # 5 workbook ledgers a year
    text = csvs[0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        text.decode("utf-8")  # really GB18030, not UTF-8
    assert "中宁县" in text.decode("gb18030")
    diffs = diff_databases(marts_of(dirs["original"]), marts_of(dirs["csv"]),
                           ignore_columns=FILE_COLUMNS + SHEET_COLUMNS + BUILD_COLUMNS,
                           ignore_tables=BUILD_TABLES)
    assert not diffs, "\n".join(map(str, diffs))


def test_the_round_trip_compares_real_content(office_marts, demo):
    """Not two empty databases: every source loads, every July return picked is there, and the
    planted bad cells and the unknown unit's returns are quarantined alike."""
    dirs, picked, _ = office_marts
    files = {f["file"] for f in picked}
    july = [f for f in picked if f["source"] == "returns" and f["sent_at"].startswith("2018-08")]
    planted = [d for d in demo[1]["defects"] if d["source"] == "returns" and d["file"] in files]
    con = duckdb.connect(str(marts_of(dirs["ods"])), read_only=True)
    try:
        loaded = dict(con.execute("SELECT source, sum(rows_loaded) FROM ingest_log GROUP BY 1").fetchall())
        units = con.execute("SELECT count(DISTINCT unit) FROM return_submissions WHERE period = '2018-07'"
                            ).fetchone()[0]
        quarantined = con.execute("SELECT source, count(*) FROM quarantine GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    assert set(loaded) == {"returns", "disclosures", "requests", "appeals", "activities", "facts"}
    assert all(n > 0 for n in loaded.values())
    assert units == len(july) == 6  # of the 41 units' July returns
    # a status no one can read (a July return) and the unknown unit's two files, one row each
    assert dict(quarantined)["returns"] == len(planted) == 3


@pytest.fixture
def ctx(registry):
    return ReadContext(DIVISION, registry, b"test-secret", {})


def office_workbook(path: Path, hide_data: bool = False) -> Path:
    """A return with what office suites write: a hidden code sheet first, rich text, formulas,
    a merged title, a month and dates as numbers with a date style."""
    wb = openpyxl.Workbook()
    codes = wb.active
    codes.title = "代码表"
    codes.sheet_state = "hidden"
    june = [["9.9.9", "上月底稿", "未启动", None, None, None, None]]
    for row in return_rows("县审计局", "2018-06", None, june):
        codes.append(row)
    ws = wb.create_sheet("进展报送表")
    if hide_data:
        ws.sheet_state = "hidden"
        wb.create_sheet("说明").append(["本表由县政务公开办制发"])
    ws.append(["中宁县2018年政务公开工作进展报送表"])
    ws.merge_cells("A1:H1")
    ws.append([CellRichText([TextBlock(InlineFont(b=True), "报送单位："), "县财政局"]), None, "报送期间：",
               43282, "报送日期：", 43315])
    ws["D2"].number_format = 'yyyy"年"m"月"'
    ws["F2"].number_format = 'yyyy"年"m"月"d"日"'
    ws.append(["序号", "任务编号", "任务内容", "进展状态", "完成日期", "数量", "佐证链接", "进展说明"])
    done = CellRichText(["已", TextBlock(InlineFont(color="FF0000"), "完成")])
    ws.append(["=ROW()-3", "1.1.1", "及时公开", done, 43281, "=2+3", "http://x.gov.cn/a.html", "已公开"])
    ws["E4"].number_format = "yyyy/m/d;@"
    ws.append(["=ROW()-3", "1.1.2", "公开条款", "推进中", None, None, None, None])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_cells_office_suites_write_are_read_as_a_person_sees_them(office_marts, ctx):
    _, _, saved = office_marts
    for fmt, path in saved.items():
        result = read_file(path, RETURNS, ctx, path.name)
        assert result.error is None and result.rejects.empty, (fmt, result.error, result.rejects)
        assert result.metadata == {"unit": "县财政局", "period": "2018-07",
                                   "submitted_on": dt.date(2018, 8, 3)}
        rows = result.rows[["task_code", "status", "completed_on", "quantity", "_sheet", "_row"]]
        # the hidden sheet's copy of June is not read; formulas give their cached values
        assert rows.values.tolist() == [["1.1.1", "已完成", dt.date(2018, 6, 30), 5.0, "进展报送表", 4],
                                        ["1.1.2", "推进中", None, None, "进展报送表", 5]], fmt


def test_data_on_a_hidden_sheet_is_refused_saying_so(tmp_path, ctx):
    path = office_workbook(tmp_path / "hidden.xlsx", hide_data=True)
    result = read_file(path, RETURNS, ctx, path.name)
    assert result.error.startswith("数据在隐藏的工作表“代码表、进展报送表”中，隐藏的工作表不读取：请取消隐藏")
    assert result.rows.empty


def test_an_xls_renamed_xlsx_is_read_by_its_content(office_marts, tmp_path, ctx):
    _, _, saved = office_marts
    renamed = shutil.copy(saved["xls"], tmp_path / "renamed.xlsx")
    result = read_file(Path(renamed), RETURNS, ctx, "renamed.xlsx")
    assert result.error is None and result.rows["status"].tolist() == ["已完成", "推进中"]
