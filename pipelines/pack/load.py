"""Everything one division-year's pack shows, read from the published marts (read-only)."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pandas as pd

from pipelines.db import table_columns, table_exists
from pipelines.pack.charts import build_charts
from pipelines.pack.figures import key_figures
from pipelines.pack.layout import build_sheets
from pipelines.pack.model import PackData
from pipelines.reference.load import store_for
from pipelines.settings import Settings
from pipelines.vocabulary import section_label


def has_ledgers(con: duckdb.DuckDBPyConnection, division: str, year: int) -> bool:
    """Whether the ledgers (disclosures, requests) hold anything of that year."""
    return bool(con.execute("""
        SELECT (SELECT count(*) FROM disclosures WHERE division = $d AND year(published_on) = $y)
             + (SELECT count(*) FROM requests WHERE division = $d AND year(received_on) = $y)""",
                            {"d": division, "y": year}).fetchone()[0])


def mart_figures(con: duckdb.DuckDBPyConnection, division: str, year: int) -> dict[str, float]:
    """Key figures counted straight from the marts (distinct items, requests, cases)."""
    out: dict[str, float] = {}
    d = con.execute("""SELECT count(DISTINCT index_no), count(DISTINCT index_no) FILTER (WHERE normative)
                       FROM disclosures WHERE division = ? AND year(published_on) = ?""",
                    [division, year]).fetchone()
    out["disclosed"], out["normative"] = d
    r = con.execute("""
        SELECT count(*) FILTER (WHERE year(received_on) = $y),
               count(*) FILTER (WHERE year(answered_on) = $y),
               count(*) FILTER (WHERE year(answered_on) = $y AND state = 'answered_on_time'),
               count(*) FILTER (WHERE year(answered_on) = $y AND state = 'answered_late'),
               count(*) FILTER (WHERE year(received_on) <= $y
                                AND (answered_on IS NULL OR year(answered_on) > $y)),
               coalesce(sum(fee_yuan) FILTER (WHERE year(answered_on) = $y), 0) / 10000
        FROM requests WHERE division = $d""", {"d": division, "y": year}).fetchone()
    (out["requests_received"], out["requests_closed"], out["requests_on_time"], out["requests_late"],
     out["requests_carried_out"], out["fees"]) = r
    a = con.execute("""SELECT count(*) FILTER (WHERE kind = '行政复议'),
                              count(*) FILTER (WHERE kind = '行政诉讼')
                       FROM appeals WHERE division = ? AND year(received_on) = ?""",
                    [division, year]).fetchone()
    out["reviews"], out["suits"] = a
    return {k: float(v) for k, v in out.items() if v is not None}


def pack_targets(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(division, year) pairs to pack: every year of the annual tables and of the plans."""
    parts = ["SELECT DISTINCT division, year FROM plan_tasks"]
    if table_exists(con, "annual_report"):
        parts.append("SELECT DISTINCT division, year FROM annual_report WHERE unit IS NULL")
    sql = " UNION ".join(parts)
    return [(str(d), int(y)) for d, y in con.execute(f"SELECT * FROM ({sql}) ORDER BY 1, 2").fetchall()
            if d is not None and y is not None]


def template_for(con: duckdb.DuckDBPyConnection, division: str, year: int) -> str:
    """The template in force for a report year (the mart's own, else the reference rule)."""
    if table_exists(con, "annual_report"):
        row = con.execute("SELECT min(template) FROM annual_report WHERE division = ? AND year = ? "
                          "AND unit IS NULL", [division, year]).fetchone()
        if row and row[0]:
            return str(row[0])
    if table_exists(con, "ref_templates"):
        row = con.execute("""SELECT template FROM ref_templates
                             WHERE coalesce(first_year, 0) <= ? AND ? <= coalesce(last_year, 9999)
                             ORDER BY first_year DESC NULLS LAST LIMIT 1""", [year, year]).fetchone()
        if row:
            return str(row[0])
    return "2008" if year <= 2018 else "2019" if year <= 2020 else "2021"


def template_name(con: duckdb.DuckDBPyConnection, template: str) -> str:
    """The template's Chinese name and basis, for captions."""
    if table_exists(con, "ref_templates"):
        row = con.execute("SELECT name, basis FROM ref_templates WHERE template = ?", [template]).fetchone()
        if row:
            return f"{row[0]}（{row[1]}）" if row[1] else str(row[0])
    return f"{template} 年模板"


CONTRACT_COLUMNS = ("division", "unit", "year", "template", "table_code", "row_code", "col_code", "label",
                    "value", "measure_unit")
# Used when the mart has them (the annual_report asset adds them); never required.
OPTIONAL_COLUMNS = ("col_label", "col_group", "col_order", "row_order", "kind", "table_title")


def annual_cells(con: duckdb.DuckDBPyConnection, division: str, year: int) -> pd.DataFrame:
    """The whole-division cells of ``annual_report`` for one year (empty if there are none)."""
    if not table_exists(con, "annual_report"):
        return pd.DataFrame(columns=list(CONTRACT_COLUMNS))
    extra = [c for c in OPTIONAL_COLUMNS if c in table_columns(con, "annual_report")]
    cols = ", ".join([*CONTRACT_COLUMNS, *extra])
    return con.execute(f"SELECT {cols} FROM annual_report WHERE division = ? AND year = ? AND unit IS NULL",
                       [division, year]).df()


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict) -> pd.DataFrame:
    return con.execute(sql, params).df()


def _division_meta(settings: Settings, division: str) -> tuple[str, str]:
    folder = store_for(settings).division_dir(division)
    if folder is None:
        return division, "全区域"
    meta = json.loads((folder / "division.json").read_text(encoding="utf-8"))
    name = meta.get("name") or division
    prefix = meta.get("short_prefix") or name[-1:]
    return name, f"全{prefix}"


def _section_labels(settings: Settings, division: str, year: int) -> dict[str, str]:
    # The marts keep section codes only; the reviewed catalogue has their titles.
    path = store_for(settings).find(f"{division}/plan-{year}.json")
    if path is None:
        return {}
    labels: dict[str, str] = {}
    for task in json.loads(path.read_text(encoding="utf-8")).get("tasks", []):
        sec, title = str(task.get("section")), task.get("section_title")
        if sec not in labels and title:
            labels[sec] = section_label(sec, title)
    return labels


HISTORY_LABELS = {"disclosed": "主动公开政府信息", "requests_received": "收到政府信息公开申请",
                  "reviews": "行政复议", "suits": "行政诉讼"}


def _history(con: duckdb.DuckDBPyConnection, division: str, years: list[int]) -> pd.DataFrame:
    rows = []
    for y in years:
        template = template_for(con, division, y)
        figs = key_figures(build_sheets(annual_cells(con, division, y), template), template,
                           mart_figures(con, division, y))
        ledgers = has_ledgers(con, division, y)
        for key, label in HISTORY_LABELS.items():
            fig = figs.get(key)
            if fig is not None and (fig.source == "统计表" or ledgers):
                rows.append({"year": y, "key": key, "label": label, "value": fig.value, "unit": fig.unit})
    return pd.DataFrame(rows, columns=["year", "key", "label", "value", "unit"])


def load_pack(con: duckdb.DuckDBPyConnection, settings: Settings, division: str, year: int) -> PackData:
    """Read everything one division-year's pack shows from the published marts."""
    template = template_for(con, division, year)
    sheets = build_sheets(annual_cells(con, division, year), template)
    figures = key_figures(sheets, template, mart_figures(con, division, year))
    if not has_ledgers(con, division, year):
        # No ledger holds that year: a count from them would be a false 0.
        figures = {k: f for k, f in figures.items() if f.source == "统计表"}

    data_years = {y for d, y in pack_targets(con) if d == division}
    previous_year = year - 1 if (year - 1) in data_years else None
    if previous_year is not None:
        prev_template = template_for(con, division, previous_year)
        prev_sheets = build_sheets(annual_cells(con, division, previous_year), prev_template)
        prev = key_figures(prev_sheets, prev_template, mart_figures(con, division, previous_year))
        ledgers_then = has_ledgers(con, division, previous_year)
        for key, fig in figures.items():
            # Compare like with like: a 2021 'issued' is not a 2020 'published', and a count
            # from ledgers that did not exist yet is no "0 last year".
            same = key in prev and prev[key].label == fig.label
            if same and (prev[key].source == "统计表" or ledgers_then):
                fig.previous = prev[key].value
    history = _history(con, division, sorted(y for y in data_years if y <= year))

    params = {"d": division, "y": year}
    published = "WHERE division = $d AND year(published_on) = $y"
    received = "WHERE division = $d AND year(received_on) = $y"
    disclosures = _frame(con, f"SELECT * FROM disclosures {published}", params)
    channels = _frame(con, f"SELECT * FROM disclosure_channels {published}", params)
    try:
        limit = ("working_days_between(clock_start_on, due_on) AS limit_days, "
                 "working_days_between(clock_start_on, final_due_on) AS final_limit_days")
        requests = _frame(con, f"SELECT *, {limit} FROM requests {received}", params)
    except duckdb.Error:  # marts built before the working-day macros were stored
        requests = _frame(con, f"SELECT * FROM requests {received}", params)
    appeals = _frame(con, "SELECT * FROM appeals WHERE division = $d AND year(received_on) = $y", params)
    task_status = _frame(con, """SELECT s.*, t.section, t.title FROM task_status s
                                 JOIN plan_tasks t USING (division, year, task_code)
                                 WHERE s.division = $d AND s.year = $y""", params)
    plan_metrics = _frame(con, "SELECT * FROM plan_metrics WHERE division = $d AND year = $y", params)
    title = con.execute("SELECT any_value(title) FROM plan_reporting WHERE division = $d AND year = $y",
                        params).fetchone()[0]
    returns = monthly_returns(con, division, year, settings.as_of)
    name, whole = _division_meta(settings, division)
    pack = PackData(
        division=division, division_name=name, whole=whole, year=year, as_of=settings.as_of,
        template=template, template_name=template_name(con, template), sheets=sheets, figures=figures,
        previous_year=previous_year, history=history, disclosures=disclosures, channels=channels,
        requests=requests, appeals=appeals, task_status=task_status, plan_title=title,
        plan_metrics=plan_metrics, returns=returns, section_labels=_section_labels(settings, division, year),
    )
    if not sheets:
        pack.notes.append(f"数据集市中没有 {year} 年的年度报告统计表（annual_report），"
                          "xlsx 和 docx 中的统计表从缺，关键数字取自台账。")
    for t in pack.refused_tables:
        pack.notes.append(f"统计表“{t.title}”未导出：{'；'.join(t.broken[:3])}"
                          + ("等" if len(t.broken) > 3 else "") + "。")
    pack.charts = build_charts(pack)
    return pack


def monthly_returns(con: duckdb.DuckDBPyConnection, division: str, year: int, as_of: date) -> pd.DataFrame:
    """Each responsible unit × reporting month already due: ``on_time``, ``late`` or ``missing``."""
    if not table_exists(con, "plan_reporting"):
        return pd.DataFrame(columns=["unit", "period", "result"])
    return con.execute("""
        WITH rep AS (SELECT * FROM plan_reporting WHERE division = $d AND year = $y),
        periods AS (
            SELECT strftime(m, '%Y-%m') AS period,
                   CAST(make_date(year(m + INTERVAL 1 MONTH), month(m + INTERVAL 1 MONTH), rep.due_day)
                        AS DATE) AS due_on
            FROM rep, generate_series(CAST(strptime(rep.first_period, '%Y-%m') AS DATE),
                                      CAST(strptime(rep.last_period, '%Y-%m') AS DATE),
                                      INTERVAL 1 MONTH) AS g(m)),
        units AS (SELECT DISTINCT unit FROM plan_task_units WHERE division = $d AND year = $y),
        expected AS (SELECT p.period, p.due_on, u.unit FROM periods p, units u WHERE p.due_on < $as_of),
        first_return AS (SELECT unit, period, min(submitted_on) AS submitted_on, count(*) AS n
                         FROM return_submissions WHERE division = $d GROUP BY ALL)
        SELECT e.unit, e.period,
               CASE WHEN f.n IS NULL THEN 'missing'
                    WHEN f.submitted_on IS NULL OR f.submitted_on > e.due_on THEN 'late'
                    ELSE 'on_time' END AS result
        FROM expected e LEFT JOIN first_return f USING (unit, period)
        ORDER BY e.period, e.unit""", {"d": division, "y": year, "as_of": as_of}).df()
