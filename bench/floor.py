"""The floor: what reading a county's raw files costs with no rules at all.

Every xlsx through python-calamine (every sheet to Python values), every CSV into DuckDB with
its own reader, into one in-memory database. No header search, no normalising, no checks, no
Dagster: the cost of touching the bytes once. ``python bench/floor.py DATA_DIR [DIVISION ...]``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb
from python_calamine import CalamineWorkbook


def read_county(raw: Path, con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Read every file under one county's ``raw/<division>``; (files, cells or rows) read."""
    files = cells = 0
    for path in sorted(raw.rglob("*")):
        if path.suffix.lower() in (".xlsx", ".xls", ".ods"):
            workbook = CalamineWorkbook.from_path(str(path))
            for name in workbook.sheet_names:
                rows = workbook.get_sheet_by_name(name).to_python()
                cells += sum(len(r) for r in rows)
            files += 1
        elif path.suffix.lower() == ".csv":
            source = path
            data = path.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                # DuckDB reads UTF-8 only (GB18030 needs an extension it would download):
                # transcoding in Python is part of the floor.
                source = Path(tempfile.mkstemp(suffix=".csv")[1])
                source.write_text(data.decode("gb18030"), encoding="utf-8")
            con.execute(f"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{source}', "
                        "all_varchar = true, null_padding = true)")
            if source != path:
                source.unlink()
            cells += con.execute("SELECT count(*) FROM t").fetchall()[0][0]
            files += 1
    return files, cells


def main() -> None:
    data_dir = Path(sys.argv[1])
    divisions = sys.argv[2:] or sorted(p.name for p in (data_dir / "raw").iterdir() if p.is_dir())
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    started = time.perf_counter()
    files = cells = 0
    for division in divisions:
        f, c = read_county(data_dir / "raw" / division, con)
        files, cells = files + f, cells + c
    seconds = time.perf_counter() - started
    print(f"{len(divisions)} 个区划，{files} 个文件，{cells} 个单元格/行，{seconds:.2f} 秒")


if __name__ == "__main__":
    main()
