"""Mart assets: each runs its SQL model (``sql/mart_<name>.sql``) against the staging database,
and the last step of every build, ``gongkai_marts``, publishes it.

Group ``marts``. The models are small and named by layer (``rules_*`` and ``int_*`` run in
ingest; ``mart_*`` here). Upstream assets of other domains are named by key, so no domain
imports another's assets.
"""


from collections.abc import Callable, Sequence
from dataclasses import dataclass

import dagster as dg

from pipelines.db import SqlFolder, count_rows
from pipelines.partitions import DIVISIONS
from pipelines.reference.calendar import CalendarNotCovered
from pipelines.resources import MartsDatabase
from pipelines.settings import SOURCES

GROUP = "marts"
SQL = SqlFolder(__file__)


def _calendar_gaps(con, table: str) -> None:
    # A NULL deadline means a date fell outside the working-day calendar: fail loudly with
    # the years to add, rather than publish requests without a clock.
    years = SQL.run(con, f"calendar_gaps_{table}").fetchall()
    if years:
        listed = "、".join(str(y[0]) for y in years)
        raise CalendarNotCovered(
            f"{table} 中有日期超出工作日历范围（涉及 {listed} 年前后）：请在 data/reference/calendar.csv "
            "中补充相应年份的法定节假日（holiday）和调休上班日（workday）后重新构建。"
        )


def _check_requests(con) -> None:
    _calendar_gaps(con, "requests")


def _check_disclosures(con) -> None:
    _calendar_gaps(con, "disclosures")


@dataclass(frozen=True)
class Mart:
    """A published table, the SQL model that builds it and what it reads."""

    name: str
    description: str
    deps: Sequence[str]
    verify: Callable | None = None
    sql: str | None = None


def _union_model(table: str, part: str) -> str:
    return f"CREATE OR REPLACE TABLE {table} AS " + " UNION ALL ".join(
        f"SELECT * FROM staging.{s}_{part}" for s in SOURCES
    ) + " ORDER BY source, division, file" + (", sheet, row_number" if part == "quarantine" else "")


MARTS = [
    Mart("return_submissions", "每份进展报送表一行：报送期间、截止日、报送日期、是否按时、是否被重报替代",
         ["stg_returns", "plan_catalogue"]),
    Mart("return_periods", "责任单位 × 已到期的报送月份：截止日、首次报送日期，按时、迟报或未报送",
         ["return_submissions", "plan_catalogue"]),
    Mart("return_rows", "进展报送表的每一行（含被重报替代的历史行）", ["stg_returns"]),
    Mart("return_files", "每个进展报送文件一行：报送单位、期间、是否被整表退回及原因、收到时间",
         ["stg_returns"]),
    Mart("task_status", "任务 × 责任单位：最近一次报送的进展、完成日期、佐证与状态判定",
         ["stg_returns", "plan_catalogue", "reference_rules"]),
    Mart("disclosure_channels", "主动公开信息 × 公开渠道", ["stg_disclosures"]),
    Mart("disclosures", "每条主动公开信息（索引号）一行：渠道、成文与发布日期、用时与是否及时",
         ["disclosure_channels", "working_calendar", "reference_rules"], _check_disclosures),
    Mart("requests", "每件依申请公开一行：适用条例、计时起点、法定期限、延期、答复与状态（不含个人信息）",
         ["stg_requests", "working_calendar", "reference_rules"], _check_requests),
    Mart("appeals", "行政复议、行政诉讼案件", ["stg_appeals"]),
    Mart("activities", "新闻发布会、解读、培训、会议等工作活动", ["stg_activities"]),
    Mart("facts", "年度填报指标：各单位一行；单位为本区划（中宁县、全县）的是全区划合计行",
         ["stg_facts", "division_registry"]),
    Mart("report_years", "报告年度：各区划有工作方案或年报统计表的年度、当年适用的年报模板及其名称",
         ["plan_catalogue", "annual_report", "reference_rules"]),
    Mart("quarantine", "被隔离的行和文件：文件、工作表、行号、列名与原因",
         [f"stg_{s}" for s in SOURCES], sql=_union_model("quarantine", "quarantine")),
    Mart("ingest_log", "每个原始文件一行：哈希、读取/导入/替代/隔离行数（可对账）",
         [f"stg_{s}" for s in SOURCES], sql=_union_model("ingest_log", "log")),
]


def _build(con, mart: Mart) -> int:
    if mart.sql:
        con.execute(mart.sql)
    else:
        SQL.run(con, f"mart_{mart.name}")
    if mart.verify:
        mart.verify(con)
    return count_rows(con, mart.name)


# Read after the annual tables (their years are report years): outside the one step below,
# or the step would wait for a table that waits for it.
AFTER_ANNUAL = {"report_years"}


# One step builds every selected mart in order (the SQL takes milliseconds; a step of its own
# each would cost more than the work): each table is still an asset of its own in the UI,
# and a run selecting a few (a sensor's, for one source) builds only those.
@dg.multi_asset(
    name="marts",
    specs=[dg.AssetSpec(m.name, group_name=GROUP, kinds={"duckdb"}, deps=list(m.deps),
                        description=m.description) for m in MARTS if m.name not in AFTER_ANNUAL],
    partitions_def=DIVISIONS,
    can_subset=True,
)
def marts(context: dg.AssetExecutionContext, marts_db: MartsDatabase):
    """Build the selected marts of the run's division, in dependency order."""
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    with marts_db.connect() as con:
        for mart in MARTS:
            if mart.name in selected:
                yield dg.MaterializeResult(asset_key=mart.name, metadata={"rows": _build(con, mart)})


def build_mart_asset(mart: Mart) -> dg.AssetsDefinition:
    """The asset of one mart table built in a step of its own."""

    @dg.asset(name=mart.name, group_name=GROUP, kinds={"duckdb"}, deps=list(mart.deps),
              partitions_def=DIVISIONS, description=mart.description)
    def _mart(marts_db: MartsDatabase) -> dg.MaterializeResult:
        with marts_db.connect() as con:
            return dg.MaterializeResult(metadata={"rows": _build(con, mart)})

    return _mart


MART_ASSETS = [marts, *(build_mart_asset(m) for m in MARTS if m.name in AFTER_ANNUAL)]
MART_NAMES = [m.name for m in MARTS]


@dg.asset(group_name="publish", kinds={"duckdb"}, partitions_def=DIVISIONS,
          deps=[*MART_NAMES, "plan_metrics", "annual_report", "figure_history", "page_figures"],
          description="把本次构建的暂存库原子地替换为 marts/gongkai.duckdb（读者不受影响）")
def gongkai_marts(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
    """Publish the staging database as the division's database and reassemble ``gongkai.duckdb``."""
    with marts_db.connect() as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1").fetchall()]
        tables = {t: count_rows(con, t) for t in names}
    published = marts_db.publish(context.log)
    context.log.info(f"数据集市已发布：{published.division_db}（全省视图 {published.province_db}）")
    return dg.MaterializeResult(metadata={"path": str(published.division_db),
                                          "province_view": str(published.province_db),
                                          "version": str(published.version_dir),
                                          **{f"rows.{t}": n for t, n in tables.items()}})


ASSETS = [*MART_ASSETS, gongkai_marts]
