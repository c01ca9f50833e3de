"""``figure_history``: every publication keeps the figures it published.

Runs after ``annual_report`` and ``plan_metrics`` and before the publish step, in the run's
staging database, which starts as a copy of the published one, so the history grows by one
publication per build:

- ``figure_publications``: one row per publication and year: build, as-of, time, the
  snapshots it shows and how many cells and metrics changed since the publication before;
- ``annual_report_history`` / ``plan_metrics_history``: the ``annual_report`` /
  ``plan_metrics`` rows of a year plus ``build_id``, ``as_of``, ``published_at``, written only
  when the year's figures differ from the last publication (a publication with unchanged
  figures is its ``figure_publications`` row alone, pointing at the snapshot it shows);
- ``annual_report_sources_history``: the lineage as intervals (``added_*`` / ``removed_*``),
  so the records behind a cell at any publication can be listed.

``published_at`` is when this step ran, seconds before the publish; a build that then fails
to publish leaves no trace, because its staging database is thrown away.
"""

from datetime import datetime

import dagster as dg
import duckdb

from pipelines.db import SqlFolder, table_exists
from pipelines.partitions import DIVISIONS
from pipelines.resources import MartsDatabase

SQL = SqlFolder(__file__)
GROUP = "annual"
SNAPSHOT_COLUMNS = [("build_id", "VARCHAR"), ("as_of", "DATE"), ("published_at", "TIMESTAMP")]
LINEAGE_COLUMNS = [("lineage_key", "VARCHAR"), ("added_build_id", "VARCHAR"), ("added_at", "TIMESTAMP"),
                   ("removed_build_id", "VARCHAR"), ("removed_at", "TIMESTAMP")]
PUBLICATION_COLUMNS = [
    ("division", "VARCHAR"), ("year", "INTEGER"), ("build_id", "VARCHAR"), ("as_of", "DATE"),
    ("published_at", "TIMESTAMP"), ("annual_build_id", "VARCHAR"), ("annual_previous_build_id", "VARCHAR"),
    ("annual_cells_changed", "BIGINT"), ("plan_build_id", "VARCHAR"), ("plan_previous_build_id", "VARCHAR"),
    ("plan_metrics_changed", "BIGINT"),
]
# history table → (the table it keeps, the columns it adds)
HISTORIES = {
    "annual_report_history": ("annual_report", SNAPSHOT_COLUMNS),
    "plan_metrics_history": ("plan_metrics", SNAPSHOT_COLUMNS),
    "annual_report_sources_history": ("annual_report_sources", LINEAGE_COLUMNS),
}
STEPS = ("history/previous", "history/annual_changes", "history/plan_changes", "history/snapshots",
         "history/publications", "history/lineage")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND table_name = $t AND database_name = current_database() ORDER BY column_index",
        {"t": table}).fetchall()]


def ensure_table(con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]]) -> None:
    """Create ``table`` with ``columns``, or add the ones an older history lacks (a mart that
    gained a column keeps its history; old rows hold NULL there)."""
    if not table_exists(con, table):
        con.execute(f"CREATE TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)})")
        return
    have = {n for n, _ in _columns(con, table)}
    for name, kind in columns:
        if name not in have:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def record_history(con: duckdb.DuckDBPyConnection, build_id: str, published_at: datetime) -> dict[str, int]:
    """Record this build's figures in the history tables of ``con`` (as-of: the connection's
    ``as_of`` variable); returns the counts the asset reports."""
    ensure_table(con, "figure_publications", PUBLICATION_COLUMNS)
    for history, (table, extra) in HISTORIES.items():
        ensure_table(con, history, [*_columns(con, table), *extra])
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    con.execute("SET VARIABLE build_id = ?", [build_id])
    con.execute("SET VARIABLE published_at = ?", [published_at])
    for step in STEPS:
        SQL.run(con, step)
    (cells, years, first, metrics) = con.execute(
        "SELECT count(*) FILTER (WHERE had_previous), count(DISTINCT year) FILTER (WHERE had_previous), "
        "count(DISTINCT year) FILTER (WHERE NOT had_previous), "
        "(SELECT count(*) FROM staging.plan_metric_changes WHERE had_previous) "
        "FROM staging.annual_changes").fetchone()
    return {"cells_changed": cells, "years_changed": years, "years_first_published": first,
            "plan_metrics_changed": metrics}


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    partitions_def=DIVISIONS,
    deps=["annual_report", "plan_metrics"],
    description="已发布数字的历史：每次发布的年报统计表单元格和计划指标（figure_publications、"
                "annual_report_history、plan_metrics_history、annual_report_sources_history），数字未变的年度不重复保存",
)
def figure_history(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
    """Add this build's publication to the division's history of published figures."""
    with marts_db.connect() as con:
        counts = record_history(con, context.run.run_id, datetime.now())
    if counts["cells_changed"] or counts["plan_metrics_changed"]:
        context.log.info(f"与上次发布相比：{counts['years_changed']} 个年度的 {counts['cells_changed']} 个"
                         f"统计表单元格、{counts['plan_metrics_changed']} 项计划指标有变化")
    return dg.MaterializeResult(metadata=counts)


ASSETS = [figure_history]
