"""The leaders' pack: for every division and year, ``marts/reports/<division>/<year>/`` with
``annual-report.xlsx``, ``annual-report.docx``, ``report.html`` and ``charts/*.png``.

The pack reads the *published* marts read-only, so what leaders see always matches
``gongkai.duckdb``; it runs below the publish step ``gongkai_marts``. ``load`` gathers the
numbers (``model.PackData``), ``xlsx``, ``docx`` and ``html`` only lay them out, ``charts``
draws them and ``png`` renders them; ``folders`` swaps each year's folder in whole. A
statistics table that breaks one of its template's identities is withheld from every file,
with the reason, rather than handed to leaders.
"""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.atomic import write_text
from pipelines.fingerprint import code_digest, digest
from pipelines.marts.digests import year_digest
from pipelines.pack import consistency, docx, html, xlsx
from pipelines.pack.folders import CHARTS_DIR, DOCX_FILE, PAGE_FILE, XLSX_FILE, write_folder
from pipelines.pack.load import load_pack, pack_targets
from pipelines.pack.model import PackData, PackResult
from pipelines.pack.png import BROWSER, PNG_NOTE_FILE, PngWriter, png_skipped_note
from pipelines.partitions import DIVISIONS, division_of
from pipelines.resources import MartsDatabase
from pipelines.settings import Settings

REPORTS_DIR = "reports"
FINGERPRINT_FILE = ".pack-fingerprint"
# The code a pack is made with: a change to any of it makes every pack again.
PACK_CODE = ("pack", "annual", "vocabulary", "db")


def _write_charts(pack: PackData, chart_dir: Path, png: PngWriter | None, problem: str | None) -> int:
    """The PNG charts, or a note saying why there are none (the page's charts still work)."""
    chart_dir.mkdir()
    written = 0
    if png is not None and problem is None:
        try:
            for chart in pack.charts:
                png.write(chart.figure, chart_dir / f"{chart.name}.png")
                written += 1
        except Exception as exc:  # noqa: BLE001 - a chart failing must not cost the rest of the pack
            problem = f"浏览器渲染图表失败（{type(exc).__name__}: {str(exc)[:200]}）"
    if problem:
        for leftover in chart_dir.glob("*.png"):
            leftover.unlink()
        note = png_skipped_note(problem)
        (chart_dir / PNG_NOTE_FILE).write_text(note + "\n", encoding="utf-8")
        pack.notes.insert(0, note)
        return 0
    return written


def write_pack(pack: PackData, reports_dir: Path, png: PngWriter | None,
               png_problem: str | None, fingerprint: str | None = None) -> PackResult:
    """Write one division-year folder atomically and return what it holds; ``fingerprint``
    (what it was made from) is kept in the folder."""
    final = reports_dir / pack.division / str(pack.year)
    written = 0

    def fill(tmp: Path) -> None:
        nonlocal written
        xlsx.write_workbook(pack, tmp / XLSX_FILE)
        docx.write_report(pack, tmp / DOCX_FILE)
        written = _write_charts(pack, tmp / CHARTS_DIR, png, png_problem)
        html.write_page(pack, tmp / PAGE_FILE)
        if fingerprint:
            write_text(tmp / FINGERPRINT_FILE, fingerprint + "\n")

    write_folder(final, fill)
    return PackResult(pack.division, pack.year, final, written, [t.code for t in pack.refused_tables],
                      list(pack.notes))


def pack_fingerprint(con: duckdb.DuckDBPyConnection, division: str, year: int, png: bool) -> str:
    """What a year's pack is made from: the year's figures, the pack's code, and whether PNG
    charts can be drawn (a pack made without them is made again once a browser exists)."""
    return digest([code_digest(*PACK_CODE), png, year_digest(con, division, year)])


def _made_from(folder: Path) -> str | None:
    path = folder / FINGERPRINT_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def write_packs(settings: Settings, log=None, png_enabled: bool = True,
                divisions: list[str] | None = None, force: bool = False) -> list[PackResult]:
    """Write the pack of every year of ``divisions`` (default: every published one) from the
    published marts, with PNG charts when a browser exists. A year whose pack was made from
    the same figures and code is left untouched (``force`` makes it again)."""
    if divisions is None:
        divisions = sorted(p.stem for p in settings.divisions_dir.glob("*.duckdb"))
    reports_dir = settings.marts_dir / REPORTS_DIR
    writer, problem = BROWSER.get() if png_enabled else (None, "未启用 PNG 图表")
    results: list[PackResult] = []
    for division in divisions:
        db = settings.division_db(division)
        if not db.exists():
            raise FileNotFoundError(f"找不到已发布的数据集市 {db}，请先构建（python -m pipelines build）")
        con = duckdb.connect(str(db), read_only=True)
        try:
            todo = []
            for d, year in pack_targets(con):
                fingerprint = pack_fingerprint(con, d, year, writer is not None)
                folder = reports_dir / d / str(year)
                if not force and _made_from(folder) == fingerprint:
                    results.append(PackResult(d, year, folder, 0, [], [], unchanged=True))
                else:
                    todo.append((load_pack(con, settings, d, year), fingerprint))
        finally:
            con.close()
        for pack, fingerprint in todo:
            result = write_pack(pack, reports_dir, writer, problem, fingerprint)
            if writer is not None and result.pngs < len(pack.charts):
                BROWSER.close()  # it failed mid-pack: the next pack starts a fresh one
                writer, problem = BROWSER.get()
            results.append(result)
    if log is not None and problem and any(not r.unchanged for r in results):
        log.warning(png_skipped_note(problem))
    return results


@dg.asset(
    group_name="reports",
    kinds={"excel", "html", "plotly"},
    partitions_def=DIVISIONS,
    deps=["gongkai_marts"],
    description="领导材料包：本区划每个年度的年报统计表（xlsx）、年报草稿（docx）、离线网页（html）和图表（png），"
                "取自已发布的数据集市",
)
def leaders_pack(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
    """Write ``marts/reports/<division>/<year>/`` for every year of the run's division."""
    settings = marts_db.settings()
    results = write_packs(settings, context.log, divisions=[division_of(context)])
    for r in results:
        for code in r.refused:
            context.log.warning(f"{r.division} {r.year} 统计表 {code} 不满足算术关系，"
                                "未导出（详见 report.html）")
        if r.unchanged:
            context.log.info(f"{r.year} 年的数据与程序未变，材料包保留不动：{r.folder}")
        else:
            context.log.info(f"材料包已生成：{r.folder}（PNG 图表 {r.pngs} 张）")
    return dg.MaterializeResult(metadata={
        "packs": len(results),
        "unchanged_years": [r.year for r in results if r.unchanged],
        "folders": [str(r.folder) for r in results],
        "png_charts": sum(r.pngs for r in results),
        "refused_tables": [f"{r.division}/{r.year}/{c}" for r in results for c in r.refused],
    })


@dg.asset(
    group_name="figures",
    kinds={"duckdb"},
    partitions_def=DIVISIONS,
    deps=["plan_catalogue", "task_status", "plan_metrics", "requests", "disclosures", "annual_report",
          "report_years", "unit_registry"],
    description="页面数字登记（page_figures）：笔记本、年报草稿、材料网页图表和计划指标上出现的每个数字，"
                "供发布前核对合计与各项、同一数字在各页面是否一致",
)
def page_figures(marts_db: MartsDatabase) -> dg.MaterializeResult:
    """Record every figure every page states (``consistency.PAGES``) in ``page_figures``."""
    with marts_db.connect() as con:
        rows = consistency.write_page_figures(con)
    return dg.MaterializeResult(metadata={"rows": rows, "pages": len(consistency.PAGES)})


ASSETS = [page_figures, leaders_pack]
