"""Shared fixtures: real files written into tmp_path, and in-process builds on them.

Builds are expensive, so each shape of data is built once per session and shared by the tests
that only read it: the demo (``demo``), the hand-worked 2018 fixture of test_annual.py
(``built_2018``) and one return (``one_return_built``); under pytest-xdist, once for both
workers (``shared_build``). A test that changes a build works on
its own copy (``copy_built``). Builds leave out the leaders' pack unless asked (``pack=True``):
test_pack.py makes the pack, test_notebooks.py runs the notebooks.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines.build import build_everything, failed_steps
from pipelines.locks import file_lock
from pipelines.reference.store import SHIPPED_REFERENCE
from pipelines.reference.units import load_registry
from pipelines.settings import Settings, parse_as_of

DIVISION = "640521"


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    """An xlsx exactly as typed: dates given as date objects become real Excel date cells."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    """A CSV in the given encoding (utf-8-sig, utf-8, gb18030 or gbk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def return_rows(unit: str, period: str, submitted: str | None,
                tasks: list[list[object]]) -> list[list[object]]:
    """A progress return laid out as units fill it in (raw-formats.md)."""
    meta = f"报送单位：{unit}      报送期间：{period}"
    if submitted:
        meta += f"      报送日期：{submitted}"
    return [
        ["中宁县2018年政务公开工作进展报送表"],
        [meta],
        ["序号", "任务编号", "任务内容", "进展状态", "完成日期", "数量", "佐证链接", "进展说明"],
        *[[i + 1, *t] for i, t in enumerate(tasks)],
    ]


REQUEST_HEADER = ["申请编号", "收到日期", "申请方式", "申请人类型", "受理单位", "办理结果", "答复日期",
                  "申请人", "证件号码", "联系电话", "补正告知日期", "补正完成日期", "是否延期", "收费金额"]


@pytest.fixture(scope="session")
def registry():
    """The shipped unit registry of 中宁县."""
    return load_registry(SHIPPED_REFERENCE / DIVISION)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory laid out per the spec (no reference: the shipped one applies)."""
    for source in ("returns", "disclosures", "requests", "appeals", "activities", "facts"):
        (tmp_path / "raw" / DIVISION / source).mkdir(parents=True)
    return tmp_path


# What files are read into, published: the staging tables and the marts. Left out: the data
# checks and the tables computed from the marts alone (annual report, plan metrics, figures),
# which equal marts give equally: for tests of reading and of the parse cache (~1.3 s a build).
READ_INTO_MARTS = (dg.AssetSelection.assets("gongkai_marts").upstream().without_checks()
                   - dg.AssetSelection.assets("annual_report", "figure_history", "page_figures",
                                              "plan_metrics", "report_years"))


# Dagster's console logger at WARNING: at its default (DEBUG) it formats ~190 lines a build
# into pytest's capture, which no test reads (the event log, which they do, keeps every level).
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def build(data_dir: Path, as_of: str = "2018-12-31", selection=None,
          expect_success: bool = True, pack: bool = False):
    """Build every division of ``data_dir`` in-process, one partition each, as
    ``python -m pipelines build --no-notebooks`` does (and ``--no-pack`` unless ``pack``: only
    the tests of the pack look at it); by default fail the test on any error. Returns the run
    result (a dict by division when there are several)."""
    results = build_everything(
        Settings(data_dir=data_dir, as_of=parse_as_of(as_of)), dg.DagsterInstance.ephemeral(),
        data_dir=str(data_dir), as_of=as_of, selection=selection, pack=pack, run_config=QUIET)
    if expect_success:
        failed = {d: failed_steps(r) for d, r in results.items() if not r.success}
        assert not failed, f"failed steps: {failed}"
    return next(iter(results.values())) if len(results) == 1 else results


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    """Every asset check evaluation of a run, by check name."""
    return {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
            for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}


def marts(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published marts, as analysts open them."""
    return duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)


def frame(con: duckdb.DuckDBPyConnection, sql: str):
    """Query result as a DataFrame whose DATE columns hold datetime.date (as in the mart)."""
    df = con.sql(sql).df()
    for column in df.select_dtypes(include=["datetime", "datetimetz"]).columns:
        df[column] = [None if v is pd.NaT or v is None else v.date() for v in df[column]]
    return df


def copy_built(source: Path, target: Path) -> Path:
    """A copy of a built data directory (raw files, marts, parse cache, secret) for a test that
    changes it; the shared build stays as its fixture says. The copy's province view is
    rewritten to read the copy's own parquet files (it names them by absolute path)."""
    from pipelines.publish import PUBLISHED_DIR, TABLES_FILE, write_province_view

    shutil.copytree(source, target, symlinks=True)
    known = target / "marts" / PUBLISHED_DIR / TABLES_FILE
    if (target / "marts" / "gongkai.duckdb").exists() and known.exists():
        freshest = json.loads(known.read_text(encoding="utf-8"))["shared_from"]
        write_province_view(Settings(data_dir=target, as_of=dt.date(2018, 12, 31)), freshest, [])
    return target


def cli_in_process(monkeypatch, capfd, data_dir: Path, *args: str, as_of: str = "2018-12-31"
                   ) -> tuple[int, str]:
    """``python -m pipelines <args>`` on ``data_dir`` run in this process, whose imports are paid
    already (a test of what a build does, not of a process's start): (exit status, everything it
    printed, stdout then stderr). A test of what only a separate process shows (a kill, a lock
    held by another process) starts one instead."""
    from pipelines.__main__ import main

    monkeypatch.setenv("GONGKAI_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GONGKAI_AS_OF", as_of)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    capfd.readouterr()
    code = main(list(args))
    out, err = capfd.readouterr()
    return code, out + err


def one_return(data_dir: Path, status: str, unit: str = "县财政局") -> Path:
    """``data_dir``'s one return: ``unit``'s for 2018-07, task 1.1.1 at ``status``."""
    return write_xlsx(data_dir / "raw" / DIVISION / "returns" / "r.xlsx",
                      return_rows(unit, "2018-07", "2018-08-03",
                                  [["1.1.1", "x", status, None, None, None, None]]))


class StoredRun:
    """What tests read of a shared build's run (its id, outcome and events), kept in a file so
    that every xdist worker reads the same run: ``check_results`` takes it as it takes a run
    result."""

    def __init__(self, path: Path) -> None:
        stored = json.loads(path.read_text(encoding="utf-8"))
        self.run_id: str = stored["run_id"]
        self.success: bool = stored["success"]
        self.all_events: list[dg.DagsterEvent] = dg.deserialize_value(stored["events"], list)

    @staticmethod
    def save(result: dg.ExecuteInProcessResult, path: Path) -> None:
        """Keep ``result``'s id, outcome and events in ``path``."""
        path.write_text(json.dumps({"run_id": result.run_id, "success": result.success,
                                    "events": dg.serialize_value(result.all_events)}), encoding="utf-8")


def shared_build(tmp_path_factory, name: str, make) -> tuple[Path, StoredRun]:
    """A data directory that ``make(data_dir)`` fills and builds (returning its run) once per
    test session: (data_dir, the run). Under pytest-xdist the worker that asks first makes it
    while the other waits on a file lock, then both read the same folder (the workers'
    temporary folders share a parent): a build both workers read is paid once, not once a
    worker. Tests only read it; one that changes it copies it (``copy_built``)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        data_dir = tmp_path_factory.mktemp(name)
        run_file = data_dir.with_name(f"{data_dir.name}.run.json")
        StoredRun.save(make(data_dir), run_file)
        return data_dir, StoredRun(run_file)
    root = tmp_path_factory.getbasetemp().parent
    data_dir, run_file = root / f"shared-{name}", root / f"shared-{name}.run.json"
    with file_lock(root / f"shared-{name}.lock", waiting=f"另一个测试进程正在构建 {name}"):
        if not run_file.exists():
            if data_dir.exists():  # a worker that died half-way: start again
                shutil.rmtree(data_dir)
            data_dir.mkdir()
            StoredRun.save(make(data_dir), run_file)
    return data_dir, StoredRun(run_file)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo data set, built once per session without the pack: (data_dir, manifest, pii,
    run). Read it only; copy it (``copy_built``) to change it."""
    from pipelines.demo import DEMO_AS_OF, generate

    def make(data_dir: Path):
        generate(data_dir)
        return build(data_dir, as_of=DEMO_AS_OF.isoformat())

    data_dir, run = shared_build(tmp_path_factory, "demo", make)
    manifest = json.loads((data_dir / "demo-manifest.json").read_text(encoding="utf-8"))
    pii = json.loads((data_dir / "demo-pii.json").read_text(encoding="utf-8"))
    return data_dir, manifest, pii, run


@pytest.fixture(scope="session")
def built_2018(tmp_path_factory):
    """The hand-worked 2018 fixture of test_annual.py built at 2019-01-10: (data_dir, run).
    Read it only; copy it (``copy_built``) to change it."""
    from test_annual import write_2018

    def make(data_dir: Path):
        write_2018(data_dir)
        return build(data_dir, as_of="2019-01-10")

    return shared_build(tmp_path_factory, "annual2018", make)


@pytest.fixture(scope="session")
def one_return_built(tmp_path_factory) -> Path:
    """A data directory with one return (县财政局, 2018-07, task 1.1.1 未启动), built at 2018-12-31.
    Read it only; copy it (``copy_built``) to change it."""
    def make(data_dir: Path):
        one_return(data_dir, "未启动")
        return build(data_dir)

    return shared_build(tmp_path_factory, "one_return", make)[0]


# Modules that start services or other programs and wait on them (Dagster's webserver and
# daemon, LibreOffice, builds in subprocesses): run first, so that on two workers (make test,
# which keeps this order with --no-loadscope-reorder) neither is left running one of them
# alone at the end. Longest first, as measured by `--durations` (the province module ~90 s,
# with its backfill under Dagster's webserver and daemon).
SLOW_MODULES = ("test_province.py", "test_ui.py", "test_office_files.py",
                "test_hostile_files.py", "test_publish.py")


def pytest_collection_modifyitems(config, items):
    """Put ``SLOW_MODULES`` first, each in that order; the rest keep theirs (a stable sort)."""
    rank = {name: i for i, name in enumerate(SLOW_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
