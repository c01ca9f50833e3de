"""The analyst notebooks, executed headless after every publish and kept as offline HTML.

One asset per notebook in ``notebooks/`` (group ``notebooks``, downstream of
``gongkai_marts``). Each runs its notebook with papermill for every (division, year) of the
published marts, with ``division``, ``year`` and ``data_dir`` injected, on the project's own
Python (``pipelines.notebooks.kernel``), and writes the outputs, code hidden, to
``$GONGKAI_DATA_DIR/marts/reports/<division>/<year>/notebooks/<name>.html``.

A notebook that raises fails its asset with the notebook, the cell and the error named; the
executed notebook is kept beside the HTML as ``<name>.failed.ipynb`` for the analyst. The
notebooks read the published file read-only, so they never hold up the next build.
"""


import logging
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import nbformat

from pipelines.notebooks.analysis import division_name, open_marts, periods
from pipelines.notebooks.kernel import KERNEL_NAME, ProjectKernelManager
from pipelines.notebooks.render import notebook_html
from pipelines.partitions import DIVISIONS
from pipelines.resources import MartsDatabase
from pipelines.settings import PROJECT_ROOT

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
GROUP = "notebooks"
# name → the title a reader sees (the HTML page's title and the asset's description)
NOTEBOOKS = {
    "plan_progress": "政务公开工作方案落实进展",
    "disclosures": "主动公开情况分析",
    "requests": "依申请公开办理情况分析",
    "year_end_report": "政府信息公开工作年度报告数据",
}
# Notebooks about a year's plan: a year with annual tables but no plan has nothing to show.
PLAN_NOTEBOOKS = {"plan_progress"}
CELL_TIMEOUT_SECONDS = 600
KERNEL_START_SECONDS = 120


class NotebookFailed(RuntimeError):
    """A notebook raised, timed out or lost its kernel; the message names notebook and cell."""


@dataclass(frozen=True)
class NotebookRun:
    """One executed notebook: where its HTML went and how long the execution took."""

    name: str
    division: str
    year: int
    html: Path
    seconds: float


def notebook_path(name: str) -> Path:
    """The committed notebook ``notebooks/<name>.ipynb``."""
    return NOTEBOOKS_DIR / f"{name}.ipynb"


def output_dir(data_dir: Path, division: str, year: int) -> Path:
    """``marts/reports/<division>/<year>/notebooks`` of a data directory."""
    return Path(data_dir) / "marts" / "reports" / division / str(year) / "notebooks"


def published_periods(data_dir: Path, plans_only: bool = False) -> list[tuple[str, int]]:
    """(division, year) pairs of the published marts (see pipelines.notebooks.analysis.periods)."""
    con = open_marts(data_dir)
    try:
        return periods(con, plans_only)
    finally:
        con.close()


def published_name(data_dir: Path, division: str) -> str:
    """The division's name in the published marts (the pages' titles)."""
    con = open_marts(data_dir)
    try:
        return division_name(con, division)
    finally:
        con.close()


def _failed_cell(exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        first = next((line for line in (exc.source or "").splitlines() if line.strip()), "")
        return (f"第 {exc.exec_count} 个执行的代码单元格（{first.strip()[:80]}）出错："
                f"{exc.ename}: {exc.evalue}")
    return f"执行失败：{type(exc).__name__}: {exc}"


def _write_atomically(path: Path, text: str) -> None:
    # Readers (a browser, the leaders' pack) never see half a page.
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def run_notebook(name: str, division: str, year: int, data_dir: Path | str, as_of: date | str | None = None,
                 out_dir: Path | None = None, keep_ipynb: Path | None = None) -> NotebookRun:
    """Execute ``notebooks/<name>.ipynb`` for one division and year and write its HTML.

    ``as_of`` goes to notebooks that declare it (the year-end one: which monthly returns were
    due). ``out_dir`` defaults to the division-year's ``notebooks`` folder under
    ``marts/reports``; ``keep_ipynb``, if given, receives the executed notebook (tests read
    its outputs). Raises NotebookFailed naming the cell and the error.
    """
    import papermill

    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir) if out_dir else output_dir(data_dir, division, year)
    out_dir.mkdir(parents=True, exist_ok=True)
    failed_copy = out_dir / f"{name}.failed.ipynb"
    parameters = {"division": division, "year": int(year), "data_dir": str(data_dir)}
    if as_of is not None and "as_of" in papermill.inspect_notebook(str(notebook_path(name))):
        parameters["as_of"] = str(as_of)
    # papermill logs every cell at INFO; the asset logs one line per notebook instead.
    logging.getLogger("papermill").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="gongkai-nb-") as tmp:
        executed = Path(tmp) / f"{name}.ipynb"
        started = time.monotonic()
        try:
            nb = papermill.execute_notebook(
                str(notebook_path(name)), str(executed), parameters=parameters,
                kernel_name=KERNEL_NAME, kernel_manager_class=ProjectKernelManager,
                cwd=str(NOTEBOOKS_DIR), progress_bar=False, log_output=False,
                start_timeout=KERNEL_START_SECONDS, execution_timeout=CELL_TIMEOUT_SECONDS,
            )
        except Exception as exc:
            where = ""
            if executed.exists():
                failed_copy.write_bytes(executed.read_bytes())
                where = f"；已执行部分见 {failed_copy}"
            raise NotebookFailed(
                f"笔记本 {name}.ipynb（{division} {year}年）{_failed_cell(exc)}{where}") from exc
        seconds = time.monotonic() - started
    failed_copy.unlink(missing_ok=True)
    if keep_ipynb:
        nbformat.write(nb, str(keep_ipynb))
    title = f"{published_name(data_dir, division)}{year}年{NOTEBOOKS.get(name, name)}"
    html = out_dir / f"{name}.html"
    _write_atomically(html, notebook_html(nb, title))
    return NotebookRun(name, division, int(year), html, seconds)


def _notebook_asset(name: str, title: str) -> dg.AssetsDefinition:
    # Partitioned like the publish step (by division, when it is): a run publishing one
    # division refreshes that division's notebooks.
    @dg.asset(
        name=f"notebook_{name}",
        group_name=GROUP,
        deps=["gongkai_marts"],
        partitions_def=DIVISIONS,
        kinds={"jupyter", "html"},
        description=f"分析笔记本 notebooks/{name}.ipynb（{title}）：按已发布数据集市中的每个区划和年度"
                    f"执行，输出 marts/reports/<区划>/<年度>/notebooks/{name}.html（隐藏代码，可离线打开）",
    )
    def _asset(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
        settings = marts_db.settings()
        data_dir = settings.data_dir
        targets = published_periods(data_dir, plans_only=name in PLAN_NOTEBOOKS)
        if context.has_partition_key:
            targets = [(d, y) for d, y in targets if d == context.partition_key]
        runs, failures = [], []
        for division, year in targets:
            try:
                run = run_notebook(name, division, year, data_dir, as_of=settings.as_of)
            except NotebookFailed as exc:
                context.log.error(str(exc))
                failures.append(str(exc))
                continue
            context.log.info(
                f"笔记本 {name}.ipynb（{division} {year}年）执行用时 {run.seconds:.1f} 秒 → {run.html}")
            runs.append(run)
        if failures:
            raise NotebookFailed("\n".join(failures))
        metadata: dict[str, object] = {
            "notebook": dg.MetadataValue.path(str(notebook_path(name))),
            "executions": len(runs),
            "seconds_total": round(sum(r.seconds for r in runs), 1),
        }
        for r in runs:
            metadata[f"seconds.{r.division}.{r.year}"] = round(r.seconds, 1)
            metadata[f"html.{r.division}.{r.year}"] = dg.MetadataValue.path(str(r.html))
        if not runs:
            context.log.warning("已发布的数据集市中没有（该区划的）方案年度，笔记本未执行")
        return dg.MaterializeResult(metadata=metadata)

    return _asset


ASSETS = [_notebook_asset(name, title) for name, title in NOTEBOOKS.items()]
