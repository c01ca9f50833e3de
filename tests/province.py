"""Small counties for the tests of many divisions: each its own code, registry and plan (the
shipped 中宁县 reference under a new code and name) and a handful of real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import REQUEST_HEADER, return_rows, write_csv, write_xlsx

from pipelines.reference.store import SHIPPED_REFERENCE

ROOT = Path(__file__).resolve().parents[1]
DEMO = "640521"
# The small province of the tests of many divisions.
COUNTIES = {"659001": "甲县", "659002": "乙县", "659003": "丙县"}


def add_county(data_dir: Path, code: str, name: str, requests: int = 3, year: int = 2018) -> None:
    """A county ``code`` with two returns and a request ledger of ``requests`` requests."""
    reference = data_dir / "reference" / code
    reference.mkdir(parents=True, exist_ok=True)
    for path in (SHIPPED_REFERENCE / DEMO).iterdir():
        if path.is_file():
            shutil.copy(path, reference / path.name)
    for plan in reference.glob("plan-*.json"):
        raw = json.loads(plan.read_text(encoding="utf-8"))
        raw["division"] = code
        plan.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    info = json.loads((reference / "division.json").read_text(encoding="utf-8"))
    info.update(code=code, name=name)
    (reference / "division.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    raw_dir = data_dir / "raw" / code
    for unit, status in (("县财政局", "推进中"), ("县教育局", "已完成")):
        tasks = [["1.1.1", "x", status, None, None, None, None]]
        write_xlsx(raw_dir / "returns" / f"{year}-07-{unit}.xlsx",
                   return_rows(unit, f"{year}-07", f"{year}-08-03", tasks))
    write_requests(raw_dir / "requests" / f"{year}台账.csv", code, requests, year)


def write_requests(path: Path, code: str, n: int, year: int = 2018) -> Path:
    """A request ledger of ``n`` answered requests received in ``year`` (the outcome worded as
    the template of that year words it)."""
    outcome = "同意公开" if year <= 2018 else "予以公开"
    rows = [[f"{code}-{year}-{i:03d}", f"{year}-03-{i + 1:02d}", "网络", "自然人", "县财政局", outcome,
             f"{year}-03-{i + 5:02d}", f"申请人{i}", "", "", "", "", "否", "0"] for i in range(n)]
    return write_csv(path, [REQUEST_HEADER, *rows])


def cli(data_dir: Path, *args: str, as_of: str = "2018-12-31", **popen) -> subprocess.Popen:
    """``python -m pipelines`` on ``data_dir`` as its own process group (so it can be killed whole)."""
    env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_AS_OF": as_of}
    env.pop("DAGSTER_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "pipelines", *args], cwd=ROOT, env=env,
                            start_new_session=True, **popen)


def run_cli(data_dir: Path, *args: str, as_of: str = "2018-12-31", timeout: float = 900) -> str:
    """Run the CLI to its end; its output (stdout and stderr), failing the test on a non-zero exit."""
    proc = cli(data_dir, *args, as_of=as_of, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out[-4000:]
    return out


def published_builds(data_dir: Path) -> dict[str, str]:
    """division → build id, as the province view shows them."""
    con = duckdb.connect(str(data_dir / "marts" / "gongkai.duckdb"), read_only=True)
    try:
        return dict(con.execute("SELECT division, build_id FROM build_info ORDER BY 1").fetchall())
    finally:
        con.close()


def published_bytes(data_dir: Path) -> dict[str, bytes]:
    """Every published file (county databases, parquet parts, province view) and its bytes."""
    marts = data_dir / "marts"
    files = [marts / "gongkai.duckdb", *sorted((marts / "divisions").glob("*.duckdb")),
             *sorted((marts / "published").glob("*/current/*"))]
    return {str(p.relative_to(marts)): p.read_bytes() for p in files}
