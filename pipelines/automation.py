"""Unattended operation: file-arrival sensors, the monthly and yearly schedules.

Sensors watch each source folder of every division by content hash, not modification time:
the same file dropped again triggers nothing, a corrected file triggers again (the run key
carries the hashes), and a file copied in with an old mtime is still seen. The cursor (every
file's size, mtime and hash) is stored by Dagster, so it survives a restart of the daemon.

Schedules read their days from the plan catalogue, so next year's plan brings its own
reporting day: the monthly run fires the day after ``reporting.due_day`` for the month just
closed (and writes that month's reminder list, 催报清单); the yearly run fires in January for
the year just closed. The forms schedule is in ``pipelines.forms.schedules``.
"""

import hashlib
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from pipelines.ingest.files import source_files
from pipelines.ingest.reader import sha256_of
from pipelines.partitions import DIVISIONS
from pipelines.plan.catalogue import division_plans
from pipelines.reference.load import divisions, store_for
from pipelines.settings import SOURCES, Settings, load_settings, sensor_interval_seconds

TIMEZONE = "Asia/Shanghai"
# Forms and reminders are made for a period the schedules name (the run's gongkai/period tag);
# a file drop does not make them.
SCHEDULED_GROUPS = ("forms",)


def scan_files(settings: Settings, source: str, known: dict[str, dict]) -> dict[str, dict]:
    """size/mtime/sha256 of every file of a source in every division, rehashing only files
    whose size or mtime changed since ``known``."""
    current = {}
    for division in divisions(settings):
        for path in source_files(settings, division, source):
            rel = path.relative_to(settings.data_dir).as_posix()
            stat = path.stat()
            old = known.get(rel)
            if old and old["size"] == stat.st_size and old["mtime"] == stat.st_mtime:
                current[rel] = old
            else:
                current[rel] = {"size": stat.st_size, "mtime": stat.st_mtime, "sha256": sha256_of(path)}
    return current


def ingested_hashes(settings: Settings) -> dict[str, dict]:
    """Files the published marts already hold (from ``ingest_log``), as a starting cursor.

    A sensor started for the first time (a new daemon, a new DAGSTER_HOME) then triggers
    only for files the marts have not seen, instead of rebuilding for every file there is.
    """
    if not settings.db_path.exists():
        return {}
    try:
        con = duckdb.connect(str(settings.db_path), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute("SELECT file, sha256 FROM ingest_log").fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    # size and mtime unknown: scan_files rehashes each once and keeps the hash comparison
    return {file: {"size": -1, "mtime": -1.0, "sha256": sha} for file, sha in rows}


def affected_assets(source: str) -> dg.AssetSelection:
    """The ingest asset of a source and everything below it, the pack and notebooks included
    (forms and reminders aside: they are for a period the schedules name).

    Nothing here is redone for nothing: the ingest step parses only the new files, and the
    pack and notebooks remake only the years whose figures changed. The reference assets and
    the plan catalogue (read from data/reference too) are cheap and come along, so the very
    first drop into a county with nothing published yet builds too.
    """
    selection = (dg.AssetSelection.assets(f"stg_{source}").downstream()
                 | dg.AssetSelection.groups("reference") | dg.AssetSelection.assets("plan_catalogue"))
    return selection - dg.AssetSelection.groups(*SCHEDULED_GROUPS)


def build_file_sensor(source: str) -> dg.SensorDefinition:
    """The sensor of one source folder (``raw/<division>/<source>/``)."""

    @dg.sensor(
        name=f"{source}_files",
        asset_selection=affected_assets(source),
        minimum_interval_seconds=sensor_interval_seconds(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"raw/<区划>/{source}/ 下出现新文件或文件内容变化时，更新受影响的数据集市、"
                    "材料包和笔记本（只重做数据有变化的年度）",
    )
    def _sensor(context: dg.SensorEvaluationContext):
        settings = load_settings()
        known = json.loads(context.cursor) if context.cursor else ingested_hashes(settings)
        current = scan_files(settings, source, known)
        changed = sorted(p for p, info in current.items()
                         if known.get(p, {}).get("sha256") != info["sha256"])
        context.update_cursor(json.dumps(current, sort_keys=True))
        # Every county with files becomes a partition, changed or not: a county built by the
        # CLI before the UI's instance existed must be there for a run launched by hand.
        known_partitions = set(context.instance.get_dynamic_partitions(DIVISIONS.name))
        new_divisions = sorted({p.split("/")[1] for p in current} - known_partitions)
        add = [DIVISIONS.build_add_request(new_divisions)] if new_divisions else []
        if not changed:
            return dg.SensorResult(skip_reason="没有新文件或变化的文件", dynamic_partitions_requests=add)
        by_division: dict[str, list[str]] = {}
        for path in changed:  # raw/<division>/<source>/…
            by_division.setdefault(path.split("/")[1], []).append(path)
        requests = []
        for division, paths in sorted(by_division.items()):
            digest = hashlib.sha256(
                "\n".join(f"{p}:{current[p]['sha256']}" for p in paths).encode()).hexdigest()[:16]
            context.log.info(f"{division}：{len(paths)} 个新文件或变化的文件：{', '.join(paths[:5])}")
            requests.append(dg.RunRequest(
                run_key=f"{source}:{division}:{digest}",
                partition_key=division,
                tags={"gongkai/trigger": "file", "gongkai/source": source,
                      "gongkai/files": ", ".join(paths[:3])[:200] + (" …" if len(paths) > 3 else "")},
            ))
        return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=add)

    return _sensor


SENSORS = [build_file_sensor(s) for s in SOURCES]


def reporting_due_day(settings: Settings, year: int, division: str) -> int | None:
    """The monthly-return due day of a division's plan for ``year``, if it has one."""
    plans = [p for p in division_plans(store_for(settings), division) if p.year == year]
    return plans[0].reporting_due_day if plans else None


def previous_month(day: date) -> str:
    """``YYYY-MM`` of the month before ``day``."""
    return f"{day.year - 1}-12" if day.month == 1 else f"{day.year}-{day.month - 1:02d}"


monthly_job = dg.define_asset_job(
    "monthly_progress",
    selection=affected_assets("returns") | dg.AssetSelection.assets("return_reminders"),
    description="每月报送截止后的次日：上月报送是否按时、任务进展、计划指标、进展笔记本与催报清单",
)
yearly_job = dg.define_asset_job(
    "yearly_report",
    selection=dg.AssetSelection.all(),
    description="每年1月：上一年度的年报统计表与领导材料包（全量构建）",
)


@dg.schedule(
    job=monthly_job,
    cron_schedule="0 8 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="每天 08:00 检查：若今天是计划目录规定的报送截止日的次日，运行上月进展",
)
def monthly_progress_schedule(context: dg.ScheduleEvaluationContext):
    """Fire, per division, on the day after its plan's due day, for the month just closed."""
    today = context.scheduled_execution_time.astimezone(ZoneInfo(TIMEZONE)).date()
    period = previous_month(today)
    settings = load_settings()
    due = {d: reporting_due_day(settings, int(period[:4]), d) for d in divisions(settings)}
    if not any(due.values()):
        return dg.SkipReason(f"{period[:4]} 年没有计划目录，无需月度运行")
    ready = sorted(d for d, day in due.items() if day is not None and today.day == day + 1)
    if not ready:
        days = "、".join(sorted({str(day) for day in due.values() if day}))
        return dg.SkipReason(f"报送截止日为每月 {days} 日，今天不是次日")
    return [dg.RunRequest(run_key=f"monthly:{d}:{period}", partition_key=d,
                          tags={"gongkai/trigger": "monthly", "gongkai/period": period})
            for d in ready]


@dg.schedule(job=yearly_job, cron_schedule="0 9 15 1 *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="每年1月15日（12月报送截止之后）：上一年度的年报统计表与领导材料包")
def yearly_report_schedule(context: dg.ScheduleEvaluationContext):
    """Fire in January, per division, for the year just closed."""
    year = context.scheduled_execution_time.astimezone(ZoneInfo(TIMEZONE)).year - 1
    return [dg.RunRequest(run_key=f"yearly:{d}:{year}", partition_key=d,
                          tags={"gongkai/trigger": "yearly", "gongkai/year": str(year)})
            for d in divisions(load_settings())]


SCHEDULES = [monthly_progress_schedule, yearly_report_schedule]
JOBS = [monthly_job, yearly_job]


def scheduled_at(day: date, hour: int = 8) -> datetime:
    """A schedule tick at ``hour`` o'clock on ``day`` in the county's timezone (for tests)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(TIMEZONE))
