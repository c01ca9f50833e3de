"""Running a notebook headless, on one kernel kept for the whole process.

Starting a kernel and importing pandas, Plotly, DuckDB and the analysis code in it takes a few
seconds; a county's build runs eight notebooks (four, for each of two years). So the process
starts the project's kernel once (``pipelines.notebooks.kernel``) and every notebook runs on
it, after ``%reset -f`` has emptied the namespace: each notebook sees only its own variables,
and pays for its own work only. Parameters are injected the papermill way (the ``parameters``
tagged cell), so a notebook runs the same in JupyterLab, under papermill and here.

A notebook that raises or times out is reported with the cell and the error; its executed
copy is kept beside the HTML as ``<name>.failed.ipynb`` for the analyst, and a kernel that
died is replaced for the next notebook.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import os
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jupyter_core.utils import run_sync

from pipelines.atomic import write_text
from pipelines.notebooks.analysis import division_name, open_marts
from pipelines.notebooks.kernel import KERNEL_NAME, ProjectKernelManager
from pipelines.notebooks.render import notebook_html, plotly_file
from pipelines.settings import PROJECT_ROOT

if TYPE_CHECKING:
    import nbformat

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
# name → the title a reader sees (the HTML page's title and the asset's description)
NOTEBOOKS = {
    "plan_progress": "政务公开工作方案落实进展",
    "disclosures": "主动公开情况分析",
    "requests": "依申请公开办理情况分析",
    "year_end_report": "政府信息公开工作年度报告数据",
}
CELL_TIMEOUT_SECONDS = 600
KERNEL_START_SECONDS = 120
_RESET = "get_ipython().run_line_magic('reset', '-f')"


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


class _SharedKernel:
    """The process's kernel manager: the first notebook's client starts the kernel, the next
    ones find it running (a client that does not own the manager leaves the kernel alive)."""

    def __init__(self) -> None:
        self._km: ProjectKernelManager | None = None
        self.lock = threading.Lock()

    def manager(self) -> ProjectKernelManager:
        """The kernel manager (a fresh one if the last kernel died)."""
        if self._km is not None and self._km.has_kernel and not _alive(self._km):
            self.shutdown()
        if self._km is None:
            self._km = ProjectKernelManager(kernel_name=KERNEL_NAME)
            atexit.register(self.shutdown)
        return self._km

    def shutdown(self) -> None:
        """Stop the kernel (at exit, or after it timed out or died)."""
        km, self._km = self._km, None
        if km is not None and km.has_kernel:
            # A kernel already gone needs no stopping.
            with contextlib.suppress(Exception):
                run_sync(km.shutdown_kernel)(now=True)


def _alive(km: ProjectKernelManager) -> bool:
    try:
        return bool(run_sync(km.is_alive)())
    except Exception:  # noqa: BLE001
        return False


KERNEL = _SharedKernel()


def _failed_cell(nb: nbformat.NotebookNode, exc: Exception) -> str:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    if isinstance(exc, CellExecutionError):
        code_cells = [c for c in nb.cells if c.cell_type == "code" and c.source.strip() != _RESET]
        for number, cell in enumerate(code_cells, start=1):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                return (f"第 {number} 个执行的代码单元格（{first.strip()[:80]}）出错："
                        f"{exc.ename}: {exc.evalue}")
        return f"出错：{exc.ename}: {exc.evalue}"
    if isinstance(exc, CellTimeoutError):
        return f"有代码单元格运行超过 {CELL_TIMEOUT_SECONDS} 秒"
    return f"执行失败：{type(exc).__name__}: {exc}"


def parameters_of(name: str, division: str, year: int, data_dir: Path, as_of: date | str | None) -> dict:
    """The parameters a notebook is run with (``as_of`` only where the notebook declares it)."""
    params = {"division": division, "year": int(year), "data_dir": str(data_dir)}
    source = notebook_path(name).read_text(encoding="utf-8")
    if as_of is not None and '"as_of' in source:
        params["as_of"] = str(as_of)
    return params


def run_notebook(name: str, division: str, year: int, data_dir: Path | str, as_of: date | str | None = None,
                 out_dir: Path | None = None, keep_ipynb: Path | None = None) -> NotebookRun:
    """Execute ``notebooks/<name>.ipynb`` for one division and year and write its HTML.

    ``out_dir`` defaults to the division-year's ``notebooks`` folder under ``marts/reports``;
    ``keep_ipynb``, if given, receives the executed notebook (tests read its outputs). Raises
    NotebookFailed naming the cell and the error.
    """
    # nbformat, nbclient and papermill cost ~2 s to import: a build without notebooks
    # (--no-notebooks, every test build) does not pay it.
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    data_dir = Path(data_dir).resolve()
    out_dir = Path(out_dir) if out_dir else output_dir(data_dir, division, year)
    out_dir.mkdir(parents=True, exist_ok=True)
    failed_copy = out_dir / f"{name}.failed.ipynb"
    nb = parameterize_notebook(load_notebook_node(str(notebook_path(name))),
                               parameters_of(name, division, year, data_dir, as_of), kernel_name=KERNEL_NAME)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_RESET))
    started = time.monotonic()
    with KERNEL.lock:
        client = NotebookClient(nb, km=KERNEL.manager(), kernel_name=KERNEL_NAME,
                                timeout=CELL_TIMEOUT_SECONDS, startup_timeout=KERNEL_START_SECONDS,
                                resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError) as exc:
            if not isinstance(exc, CellExecutionError):
                KERNEL.shutdown()  # a timed-out or dead kernel is not reused
            nbformat.write(_without_reset(nb), str(failed_copy))
            raise NotebookFailed(f"笔记本 {name}.ipynb（{division} {year}年）{_failed_cell(nb, exc)}"
                                 f"；已执行部分见 {failed_copy}") from exc
    seconds = time.monotonic() - started
    nb = _without_reset(nb)
    failed_copy.unlink(missing_ok=True)
    if keep_ipynb:
        nbformat.write(nb, str(keep_ipynb))
    html = out_dir / f"{name}.html"
    script = plotly_file(data_dir / "marts" / "reports")
    title = f"{published_name(data_dir, division)}{year}年{NOTEBOOKS.get(name, name)}"
    write_text(html, notebook_html(nb, title, plotly_src=Path(_relative(script, out_dir)).as_posix()))
    return NotebookRun(name, division, int(year), html, seconds)


def published_name(data_dir: Path, division: str) -> str:
    """The division's name in the published marts (the pages' titles)."""
    con = open_marts(data_dir)
    try:
        return division_name(con, division)
    finally:
        con.close()


def _without_reset(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if not (c.cell_type == "code" and c.source == _RESET)]
    return out


def _relative(target: Path, start: Path) -> str:
    return os.path.relpath(target, start)
