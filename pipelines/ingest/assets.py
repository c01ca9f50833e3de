"""Ingest assets, one per source (``stg_<source>``): raw files of a division → staging tables.

Each asset lists the files under ``raw/<division>/<source>/`` by content hash, parses only
those the parse cache (``cache.py``) does not hold yet, writes the typed rows, the rejected
rows and the file list of every current file to the ``staging`` schema, then applies the
source's row rules and supersession in SQL. Raw files are only ever read.
"""

import hashlib
from dataclasses import asdict

import dagster as dg

from pipelines.db import SqlFolder
from pipelines.fingerprint import code_digest, digest, files_digest
from pipelines.ingest import cache
from pipelines.ingest.contracts import CONTRACTS, Contract
from pipelines.ingest.files import current_files
from pipelines.ingest.normalise import ReadContext
from pipelines.partitions import DIVISIONS
from pipelines.privacy import load_secret
from pipelines.reference.load import load_division, outcome_vocabulary, store_for
from pipelines.reference.store import ReferenceStore
from pipelines.resources import MartsDatabase
from pipelines.settings import Limits, Settings, load_limits

GROUP = "ingest"
SQL = SqlFolder(__file__)
# What the parse of a file depends on besides its bytes: the reader's code and the reference
# it resolves names against.
PARSER_CODE = ("ingest", "reference.names", "reference.units", "plan.catalogue", "privacy")


def parser_fingerprint(store: ReferenceStore, division: str, secret: bytes, limits: Limits) -> str:
    """What a parse depends on besides the file: code, registry, outcome words, secret, and
    the size limits (a file refused under one limit is read once it is raised)."""
    folder = store.division_dir(division)
    registry = sorted(folder.glob("*.csv")) + [folder / "division.json"] if folder else []
    return digest([code_digest(*PARSER_CODE), files_digest(registry),
                   files_digest([store.require("templates/outcomes.csv")]),
                   hashlib.sha256(secret).hexdigest(), asdict(limits)])


def ingest_source(settings: Settings, con, contract: Contract, division: str) -> cache.CacheStats:
    """Bring the parse cache up to date for one source and stage its current files."""
    store = store_for(settings)
    secret = load_secret(settings.data_dir)
    files = current_files(settings, division, contract.source)
    ref = load_division(store, division)
    limits = load_limits()
    fingerprint = parser_fingerprint(store, division, secret, limits)
    unreadable = {}
    if ref.registry is None:
        why = f"没有行政区划 {division} 的参考数据（reference/{division}/units.csv 单位名录）"
        unreadable = {f.display: why for f in files}
    ctx = ReadContext(division, ref.registry, secret, {"outcomes": outcome_vocabulary(store)}, limits)
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    stats = cache.refresh(con, contract, files, ctx, fingerprint, unreadable)
    cache.stage(con, contract, division, files, fingerprint, unreadable)
    return stats


def stage_source(con, contract: Contract) -> dict[str, int]:
    """Run one source's rules, supersession and log models over its staged files."""
    source = contract.source
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


def _ingest_one(context: dg.AssetExecutionContext, settings: Settings, con, contract: Contract,
                division: str) -> dg.MaterializeResult:
    stats = ingest_source(settings, con, contract, division)
    totals = stage_source(con, contract)
    errors = con.execute(f"SELECT file, error FROM staging.{contract.source}_files "
                         "WHERE error IS NOT NULL ORDER BY file").fetchall()
    for file, error in errors:
        context.log.warning(f"{file}：{error}")
    context.log.info(
        f"{contract.label}：{totals['files']} 个文件（新解析 {stats.parsed} 个，其余取自解析缓存），"
        f"读取 {totals['rows_read']} 行，导入 {totals['rows_loaded']} 行，"
        f"被替代 {totals['rows_superseded']} 行，隔离 {totals['rows_quarantined']} 行"
    )
    return dg.MaterializeResult(
        asset_key=f"stg_{contract.source}",
        metadata={**totals, "division": division, "files_parsed": stats.parsed, "files_cached": stats.cached,
                  "parsed": stats.parsed_files[:50]})


# One step reads every selected source: a run pays Dagster's per-step cost once, not six times,
# and a sensor that selects one source still runs only that one (can_subset).
@dg.multi_asset(
    name="ingest_sources",
    specs=[dg.AssetSpec(
        f"stg_{c.source}", group_name=GROUP, kinds={"duckdb", "excel"},
        deps=["unit_registry", "plan_catalogue", "reference_rules"],
        description=f"读取 raw/<区划>/{c.source}/ 下的{c.label}，问题行隔离并注明原因，"
                    "重复导出的台账按键去重",
    ) for c in CONTRACTS.values()],
    partitions_def=DIVISIONS,
    can_subset=True,
)
def ingest_sources(context: dg.AssetExecutionContext, marts_db: MartsDatabase):
    """Read the selected sources of the run's division (only new or changed files are parsed)."""
    settings = marts_db.settings()
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    with marts_db.connect() as con:
        for contract in CONTRACTS.values():
            if f"stg_{contract.source}" in selected:
                yield _ingest_one(context, settings, con, contract, marts_db.division)


ASSETS = [ingest_sources]
