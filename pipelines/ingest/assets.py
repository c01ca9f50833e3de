"""Ingest assets, one per source (``stg_<source>``): raw files of a division → staging tables.

Each asset reads every file under ``raw/<division>/<source>/`` through the reader core,
writes the typed rows, the rejected rows and the file list to the ``staging`` schema, then
applies the source's row rules and supersession in SQL. Raw files are only ever read.
"""


from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines.db import SqlFolder, write_frame
from pipelines.ingest.contracts import CONTRACTS, KIND_TYPES, Contract
from pipelines.ingest.reader import (
    FileRejected,
    FileResult,
    ReadContext,
    empty_rejects,
    empty_rows,
    file_rejection,
    read_file,
    sha256_of,
    staging_columns,
)
from pipelines.partitions import DIVISIONS
from pipelines.privacy import load_secret
from pipelines.reference.load import load_division, outcome_vocabulary, store_for
from pipelines.resources import MartsDatabase
from pipelines.settings import Settings

GROUP = "ingest"
SQL = SqlFolder(__file__)
FILE_COLUMNS = [
    ("division", "VARCHAR"), ("file", "VARCHAR"), ("sha256", "VARCHAR"), ("size", "BIGINT"),
    ("mtime", "DOUBLE"), ("rows_read", "BIGINT"), ("error", "VARCHAR"), ("file_as_of", "DATE"),
]
QUARANTINE_TYPES = [
    ("source", "VARCHAR"), ("division", "VARCHAR"), ("file", "VARCHAR"), ("sheet", "VARCHAR"),
    ("row_number", "BIGINT"), ("column_name", "VARCHAR"), ("value_preview", "VARCHAR"),
    ("reason", "VARCHAR"),
]


def source_files(settings: Settings, division: str, source: str) -> list[Path]:
    """Files of one drop zone, in a stable order; office lock files and hidden files skipped."""
    folder = settings.raw_dir / division / source
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith((".", "~$"))
    )


def _file_as_of(result: FileResult, contract: Contract) -> date | None:
    # The newest date in a file orders re-exports of a ledger (names carry no meaning).
    dates = [f.name for f in contract.stored_fields() if f.kind == "date"]
    values = pd.concat([result.rows[c] for c in dates]).dropna() if dates and len(result.rows) else []
    return max(values) if len(values) else None


def _unreadable(path: Path, contract: Contract, division: str, display: str, why: str) -> FileResult:
    stat = path.stat()
    rejects = file_rejection(contract.source, division, display, FileRejected(why))
    return FileResult(contract.source, division, display, sha256_of(path), stat.st_size,
                      stat.st_mtime, empty_rows(contract), rejects, 0, why)


def read_source(settings: Settings, contract: Contract, division: str) -> list[FileResult]:
    """Read every file of one source in one division."""
    store = store_for(settings)
    secret = load_secret(settings.data_dir)
    vocabularies = {"outcomes": outcome_vocabulary(store)}
    results = []
    ref = load_division(store, division)
    for path in source_files(settings, division, contract.source):
        display = path.relative_to(settings.data_dir).as_posix()
        if ref.registry is None:
            results.append(_unreadable(
                path, contract, division, display,
                f"没有行政区划 {division} 的参考数据（reference/{division}/units.csv 单位名录）"))
            continue
        ctx = ReadContext(division, ref.registry, secret, vocabularies)
        try:
            results.append(read_file(path, contract, ctx, display))
        except (OSError, FileRejected) as exc:
            results.append(_unreadable(path, contract, division, display, str(exc)))
    return results


def stage_source(con, contract: Contract, results: list[FileResult]) -> dict[str, int]:
    """Write one source's staging tables and run its rules, supersession and log models."""
    source = contract.source
    row_columns = [("division", "VARCHAR"), ("_file", "VARCHAR"), ("_sheet", "VARCHAR"),
                   ("_row", "BIGINT"), *staging_columns(contract)]
    frames = [r.rows.assign(division=r.division, _file=r.file) for r in results if len(r.rows)]
    rows = pd.concat(frames, ignore_index=True) if frames else empty_rows(contract).assign(
        division=None, _file=None)
    write_frame(con, f"staging.{source}_rows", rows, row_columns)

    rejects = [r.rejects for r in results if len(r.rejects)]
    write_frame(con, f"staging.{source}_rejects",
                pd.concat(rejects, ignore_index=True) if rejects else empty_rejects(),
                QUARANTINE_TYPES)

    meta_fields = [(f.name, KIND_TYPES[f.kind]) for f in contract.metadata]
    files = pd.DataFrame([{
        "division": r.division, "file": r.file, "sha256": r.sha256, "size": r.size,
        "mtime": r.mtime, "rows_read": r.rows_read, "error": r.error,
        "file_as_of": _file_as_of(r, contract),
        **{name: r.metadata.get(name) for name, _ in meta_fields},
    } for r in results])
    write_frame(con, f"staging.{source}_files", files, FILE_COLUMNS + meta_fields)

    if SQL.exists(f"rules_{source}"):
        SQL.run(con, f"rules_{source}")
    else:
        con.execute(f"""CREATE OR REPLACE TABLE staging.{source}_violations AS
            SELECT division, _file, _sheet, _row, NULL::VARCHAR AS column_name,
                   NULL::VARCHAR AS value_preview, NULL::VARCHAR AS reason
            FROM staging.{source}_rows WHERE false""")
    if source == "returns":
        SQL.run(con, "int_returns_ranked")
    else:
        headers = {f.name: f.header for f in contract.fields}
        SQL.run(con, "int_ledger_ranked", source=source,
                key=", ".join(contract.key),
                key_label="、".join(headers[k] for k in contract.key),
                key_header=headers[contract.key[0]],
                key_preview="concat_ws('/', " + ", ".join(
                    f"CAST({k} AS VARCHAR)" for k in contract.key) + ")")
    SQL.run(con, "int_source_log", source=source)
    totals = con.execute(f"""SELECT count(*), coalesce(sum(rows_read), 0),
        coalesce(sum(rows_loaded), 0), coalesce(sum(rows_superseded), 0),
        coalesce(sum(rows_quarantined), 0), count(*) FILTER (WHERE status = 'rejected')
        FROM staging.{source}_log""").fetchone()
    return dict(zip(["files", "rows_read", "rows_loaded", "rows_superseded",
                     "rows_quarantined", "files_rejected"], map(int, totals), strict=True))


def build_ingest_asset(contract: Contract) -> dg.AssetsDefinition:
    """The ingest asset of one source."""

    @dg.asset(
        name=f"stg_{contract.source}",
        partitions_def=DIVISIONS,
        group_name=GROUP,
        kinds={"duckdb", "excel"},
        deps=["unit_registry", "plan_catalogue", "reference_rules"],
        description=f"读取 raw/<区划>/{contract.source}/ 下的{contract.label}，"
                    "问题行隔离并注明原因，重复导出的台账按键去重",
    )
    def _ingest(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
        settings = marts_db.settings()
        results = read_source(settings, contract, marts_db.division)
        with marts_db.connect() as con:
            con.execute("CREATE SCHEMA IF NOT EXISTS staging")
            totals = stage_source(con, contract, results)
        for r in results:
            if r.error:
                context.log.warning(f"{r.file}：{r.error}")
        context.log.info(
            f"{contract.label}：{totals['files']} 个文件，读取 {totals['rows_read']} 行，"
            f"导入 {totals['rows_loaded']} 行，被替代 {totals['rows_superseded']} 行，"
            f"隔离 {totals['rows_quarantined']} 行"
        )
        return dg.MaterializeResult(metadata={**totals, "division": marts_db.division})

    return _ingest


ASSETS = [build_ingest_asset(c) for c in CONTRACTS.values()]
