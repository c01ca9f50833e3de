"""The analyst notebooks: committed clean, executed headless on the demo data by the
pipeline's own runner, showing the marts' numbers, and exported as offline HTML with the
code hidden and the Plotly figures (Chinese titles) inside."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import dagster as dg
import duckdb
import nbformat
import pytest
from conftest import copy_built, marts

from pipelines.demo import DEMO_AS_OF
from pipelines.notebooks import kernel, strip
from pipelines.notebooks.assets import ASSETS, NOTEBOOKS
from pipelines.notebooks.run import NOTEBOOKS_DIR, NotebookFailed, run_notebook

DIVISION, YEAR = "640521", 2018
PLOTLY = "application/vnd.plotly.v1+json"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Things a cell may call but not define: all logic lives in pipelines.notebooks.analysis.
FORBIDDEN_IN_CELLS = re.compile(r"^\s*(def |class |lambda\b)|\bSELECT\b|\bFROM\s+\w+\s+WHERE\b|\.execute\(",
                                re.MULTILINE)


def committed() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def cell_tagged(nb: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode:
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}"
    return cells[0]


def outputs_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.outputs:
        data = out.get("data", {})
        parts += [str(data.get(k, "")) for k in ("text/markdown", "text/html", "text/plain")]
        parts.append(out.get("text", ""))
    return "\n".join(parts)


def plotly_outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [out["data"][PLOTLY] for c in nb.cells if c.cell_type == "code"
            for out in c.outputs if PLOTLY in out.get("data", {})]


# --- committed notebooks -----------------------------------------------------------------


def test_every_pipeline_notebook_is_committed():
    assert {p.stem for p in committed()} == set(NOTEBOOKS)


@pytest.mark.parametrize("path", committed(), ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert strip.dirty(nb) == [], f"{path.name}: run `python -m pipelines.notebooks.strip` before committing"
    assert not strip.strip_file(path, check=True)


@pytest.mark.parametrize("path", committed(), ids=lambda p: p.name)
def test_committed_notebook_has_parameters_and_no_logic(path):
    nb = nbformat.read(path, as_version=4)
    params = cell_tagged(nb, "parameters").source
    for name in ("division", "year", "data_dir"):
        assert re.search(rf"^{name} = None", params, re.MULTILINE), f"{path.name} lacks parameter {name}"
    assert nb.metadata.kernelspec.name == kernel.KERNEL_NAME
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not FORBIDDEN_IN_CELLS.search(cell.source), f"{path.name}: logic in a cell:\n{cell.source}"


def test_strip_removes_outputs_and_counts(tmp_path, executed):
    path = tmp_path / "requests.ipynb"
    nbformat.write(executed["requests"].nb, str(path))
    assert strip.dirty(nbformat.read(path, as_version=4))
    assert strip.main(["--check", str(path)]) == 1
    assert strip.main([str(path)]) == 0
    assert strip.dirty(nbformat.read(path, as_version=4)) == []
    assert strip.main(["--check", str(path)]) == 0


# --- the kernel ----------------------------------------------------------------------------


def test_kernel_is_this_interpreter_without_any_install(tmp_path, monkeypatch):
    # No kernel spec anywhere on disk: the runner's manager still knows `gongkai`.
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    spec = kernel.ProjectKernelSpecManager().get_kernel_spec(kernel.KERNEL_NAME)
    assert spec.argv[0] == sys.executable
    folder = Path(kernel.install(prefix=str(tmp_path / "prefix")))
    written = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    assert written["argv"][0] == sys.executable
    assert folder == tmp_path / "prefix" / "share" / "jupyter" / "kernels" / kernel.KERNEL_NAME


# --- executed on the demo data -------------------------------------------------------------


class Executed:
    def __init__(self, nb, html: str, seconds: float, path: Path):
        self.nb, self.html, self.seconds, self.path = nb, html, seconds, path


@pytest.fixture(scope="module")
def executed(demo, tmp_path_factory) -> dict[str, Executed]:
    """Every notebook run by the pipeline's runner for the demo division and year."""
    data_dir, *_ = demo
    out = tmp_path_factory.mktemp("notebooks")
    result = {}
    for name in NOTEBOOKS:
        run = run_notebook(name, DIVISION, YEAR, data_dir, as_of=DEMO_AS_OF, out_dir=out,
                           keep_ipynb=out / f"{name}.ipynb")
        result[name] = Executed(nbformat.read(out / f"{name}.ipynb", as_version=4),
                                run.html.read_text(encoding="utf-8"), run.seconds, run.html)
    return result


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_executes_without_errors(executed, name):
    nb = executed[name].nb
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    figures = plotly_outputs(nb)
    assert figures, f"{name} shows no Plotly figure"
    for fig in figures:
        title = fig["layout"]["title"]["text"]
        assert CJK.search(title), f"{name}: figure title not Chinese: {title!r}"


def _html_titles(html: str) -> set[str]:
    return {json.loads(f'"{t}"') for t in re.findall(r'"title":\{"text":"((?:[^"\\]|\\.)*)"', html)}


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_html_hides_code_shows_figures_and_works_offline(executed, name):
    html, nb = executed[name].html, executed[name].nb
    # no input code: neither highlighted source nor any line of a code cell
    assert "class=\"highlight hl-ipython3" not in html and "class=\"jp-InputPrompt" not in html
    assert "open_marts(" not in html and "pick_period(" not in html
    # every figure drawn, plotly.js from one local file shared by the pages, titles in Chinese
    figures = plotly_outputs(nb)
    assert html.count('class="plotly-graph-div"') == len(figures)
    [src] = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
    script = (executed[name].path.parent / src).resolve()
    assert script.name.startswith("plotly-") and script.stat().st_size > 3_000_000
    assert "Plotly.newPlot" not in script.read_text(encoding="utf-8")[:200] and len(html) < 1_000_000
    assert "Plotly.newPlot" in html and "moduleType: 'locale', name: 'zh-CN'" in html
    assert {f["layout"]["title"]["text"] for f in figures} <= _html_titles(html)
    # offline: nothing loaded from the network
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"import\s*\(?\s*[\"']https?://", html)
    assert "<title>中宁县2018年" in html


def test_requests_notebook_shows_the_marts_numbers(executed, demo):
    data_dir, *_ = demo
    nb = executed["requests"].nb
    shown = cell_tagged(nb, "key-figures").outputs[0]["data"]
    figures = shown["application/json"]
    con = marts(data_dir)
    try:
        received, answered, late, open_overdue = con.execute("""
            SELECT count(*), count(answered_on), count(*) FILTER (WHERE state = 'answered_late'),
                   count(*) FILTER (WHERE state = 'open_overdue')
            FROM requests WHERE division = ? AND year(received_on) = ?""", [DIVISION, YEAR]).fetchone()
        listed = con.execute("""SELECT count(*) FROM requests WHERE division = ? AND year(received_on) = ?
                                AND state IN ('open', 'open_overdue', 'answered_late')""",
                             [DIVISION, YEAR]).fetchone()[0]
    finally:
        con.close()
    assert received > 0
    assert (figures["received"], figures["answered"], figures["answered_late"], figures["open_overdue"]) == \
        (received, answered, late, open_overdue)
    assert figures["overdue"] == late + open_overdue
    # what a reader sees says the same
    assert f"| 收到申请 | {received} 件 |" in shown["text/markdown"]
    assert f"| 　　其中：逾期未答复 | {open_overdue} 件 |" in shown["text/markdown"]
    table = outputs_text(cell_tagged(nb, "open-and-late"))
    assert table.count("<tr") - 1 == listed  # one header row


def test_plan_progress_notebook_shows_the_marts_numbers(executed, demo):
    data_dir, *_ = demo
    nb = executed["plan_progress"].nb
    figures = cell_tagged(nb, "key-figures").outputs[0]["data"]["application/json"]
    con = marts(data_dir)
    try:
        overdue, late = con.execute("""
            SELECT count(*) FILTER (WHERE state = 'overdue'), count(*) FILTER (WHERE state = 'done_late')
            FROM task_status WHERE division = ? AND year = ?""", [DIVISION, YEAR]).fetchone()
        tasks = con.execute("SELECT count(*) FROM plan_tasks WHERE division = ? AND year = ?",
                            [DIVISION, YEAR]).fetchone()[0]
    finally:
        con.close()
    assert (figures["tasks"], figures["overdue"], figures["done_late"]) == (tasks, overdue, late)
    assert outputs_text(cell_tagged(nb, "overdue-tasks")).count("<tr") - 1 == overdue + late


def test_state_counts_follow_the_vocabulary_of_task_states(demo):
    from pipelines.notebooks.analysis import progress
    from pipelines.vocabulary import TASK_STATES

    data_dir, *_ = demo
    con = marts(data_dir)
    try:
        by_unit = progress.states_by_unit(con, DIVISION, YEAR)
        by_section = progress.states_by_section(con, DIVISION, YEAR)
        pairs = con.execute("SELECT count(*) FROM task_status WHERE division = ? AND year = ?",
                            [DIVISION, YEAR]).fetchone()[0]
    finally:
        con.close()
    measures = ["pairs", *TASK_STATES, "due", "due_done_on_time", "on_time_rate"]
    assert list(by_unit.columns) == ["unit", "unit_kind", *measures]
    assert list(by_section.columns) == ["section_label", *measures]
    # the last row is the whole (合计) the others add up to
    assert by_unit["pairs"].iloc[-1] == by_section["pairs"].iloc[-1] == pairs
    assert by_unit["pairs"].iloc[:-1].sum() == by_section["pairs"].iloc[:-1].sum() == pairs
    assert by_section["section_label"].iloc[0] == "一、围绕建设法治政府,深入推进“五公开”"


def test_year_end_notebook_shows_the_annual_tables(executed, demo):
    data_dir, *_ = demo
    nb = executed["year_end_report"].nb
    shown = outputs_text(cell_tagged(nb, "annual-tables"))
    con = marts(data_dir)
    try:
        rows = con.execute("""SELECT label, value FROM annual_report
                              WHERE division = ? AND year = ? AND unit IS NULL AND value IS NOT NULL""",
                           [DIVISION, YEAR]).fetchall()
    finally:
        con.close()
    assert rows, "annual_report has no cells for the demo year"
    assert "尚未生成" not in shown
    for label, _value in rows[:20]:
        assert label in shown
    largest = max(v for _, v in rows)
    assert f"{largest:,.0f}" in shown


def test_year_end_notebook_says_why_a_year_has_no_tables(demo):
    from pipelines.notebooks.analysis import yearend

    data_dir, *_ = demo
    con = marts(data_dir)
    try:
        assert yearend.status(con, DIVISION, YEAR) is None
        assert yearend.status(con, DIVISION, 2030) == (
            f"annual_report 表中没有 {DIVISION} 2030 年全区划（unit 为空）的统计数据："
            "请检查该年度的年报模板和原始台账后重新构建。")
        assert yearend.tables(con, DIVISION, 2030) == []
    finally:
        con.close()
    empty = duckdb.connect()  # marts built before the annual tables existed
    try:
        assert yearend.status(empty, DIVISION, YEAR).startswith(
            "年度报告统计表尚未生成：数据集市中还没有 annual_report 表")
    finally:
        empty.close()


def test_year_end_notebook_draws_the_leaders_charts(executed, demo):
    from pipelines.pack.load import load_pack
    from pipelines.settings import Settings

    data_dir, *_ = demo
    nb = executed["year_end_report"].nb
    drawn = [o["data"][PLOTLY]["layout"]["title"]["text"] for o in cell_tagged(nb, "leaders-charts").outputs
             if PLOTLY in o.get("data", {})]
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        pack = load_pack(con, Settings(data_dir=data_dir, as_of=DEMO_AS_OF), DIVISION, YEAR)
    finally:
        con.close()
    assert drawn == [c.figure.layout.title.text for c in pack.charts]


# --- failures and the Dagster assets -------------------------------------------------------


def test_a_failing_notebook_names_the_cell_and_the_error(demo, tmp_path, monkeypatch):
    import pipelines.notebooks.run as runner

    data_dir, *_ = demo
    broken = nbformat.read(NOTEBOOKS_DIR / "requests.ipynb", as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("requests.no_such_query(con, division, year)"))
    (tmp_path / "nb").mkdir()
    nbformat.write(broken, str(tmp_path / "nb" / "requests.ipynb"))
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", tmp_path / "nb")
    with pytest.raises(NotebookFailed) as failure:
        run_notebook("requests", DIVISION, YEAR, data_dir, out_dir=tmp_path / "out")
    message = str(failure.value)
    assert "requests.ipynb" in message and "requests.no_such_query" in message
    assert "AttributeError" in message
    assert (tmp_path / "out" / "requests.failed.ipynb").exists()
    assert not (tmp_path / "out" / "requests.html").exists()


def test_notebook_asset_records_its_execution_time(demo, tmp_path):
    from pipelines.definitions import make_resources
    from pipelines.partitions import DIVISIONS, ensure_partitions

    data_dir = copy_built(demo[0], tmp_path / "demo")  # the asset writes into the reports folder
    asset = next(a for a in ASSETS if a.key.path[-1] == "notebook_requests")
    assert asset.partitions_def == DIVISIONS  # one division per run, as every asset
    instance = dg.DagsterInstance.ephemeral()
    ensure_partitions(instance, [DIVISION])
    result = dg.materialize([asset], resources=make_resources(str(data_dir), DEMO_AS_OF.isoformat()),
                            instance=instance, partition_key=DIVISION)
    assert result.success
    metadata = result.asset_materializations_for_node(asset.op.name)[0].metadata
    assert metadata[f"seconds.{DIVISION}.{YEAR}"].value > 0
    html = Path(metadata[f"html.{DIVISION}.{YEAR}"].value)
    assert html == data_dir / "marts" / "reports" / DIVISION / str(YEAR) / "notebooks" / "requests.html"
    assert html.exists()
    logs = [e.user_message for e in instance.all_logs(result.run_id) if e.user_message]
    assert any("requests.ipynb" in m and "执行用时" in m for m in logs)
