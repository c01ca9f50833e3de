"""The leaders' pack: for every division and year, ``marts/reports/<division>/<year>/`` with
``annual-report.xlsx``, ``annual-report.docx``, ``report.html`` and ``charts/*.png``.

The pack reads the *published* marts read-only, so what leaders see always matches
``gongkai.duckdb``; it runs below the publish step ``gongkai_marts``. Each year's folder is
written beside its final place and swapped in, so a reader never finds half a pack.

This module gathers the numbers (``PackData``); ``xlsx``, ``docx`` and ``html`` only lay
them out, and ``charts`` draws them. The statistics tables come from the ``annual_report``
mart, checked against the template's arithmetic identities first: a table that breaks one
is withheld from every file, with the reason, rather than handed to leaders.
"""

import asyncio
import json
import re
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import plotly.graph_objects as go

from pipelines.marts.publish import gongkai_marts
from pipelines.pack import charts, docx, html, xlsx
from pipelines.partitions import DIVISIONS, division_of
from pipelines.reference.load import store_for
from pipelines.reference.store import ReferenceStore
from pipelines.resources import MartsDatabase
from pipelines.settings import Settings

REPORTS_DIR = "reports"
CHARTS_DIR = "charts"
PNG_NOTE_FILE = "未生成图片的说明.txt"
PNG_SCALE = 2
PNG_TIMEOUT_SECONDS = 90
INSTALL_HINT = ("以 root 身份运行 scripts/install-system-deps.sh（Debian/Ubuntu 上即 "
                "apt-get install -y chromium fonts-noto-cjk），或安装 Google Chrome，"
                "也可用环境变量 BROWSER_PATH 指明浏览器位置，然后重新物化 leaders_pack")

# ---------------------------------------------------------------------------------------
# Template layout knowledge (annual-report-templates.md). Row labels come from the mart's
# ``label`` column; what the mart does not carry (table titles, column headers and their
# groupings) is here.
# ---------------------------------------------------------------------------------------

SHEETS = {  # family of table codes → (sheet name, sheet title)
    "main": ("统计表", "政府信息公开情况统计表"),
    "2": ("二、主动公开", "二、主动公开政府信息情况"),
    "3": ("三、依申请公开", "三、收到和处理政府信息公开申请情况"),
    "4": ("四、复议诉讼", "四、政府信息公开行政复议、行政诉讼情况"),
}

TABLE_TITLES = {
    "2.art20_1": "第二十条第（一）项",
    "2.art20_5": "第二十条第（五）项",
    "2.art20_6": "第二十条第（六）项",
    "2.art20_8": "第二十条第（八）项",
    "2.art20_9": "第二十条第（九）项",
}

STUB_TITLES = {
    "main": "统计指标",
    "2": "信息内容",
    "3": "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "4": "",
}

_APPLICANT, _LEGAL = "申请人情况", "法人或其他组织"
_REVIEW, _SUIT = "行政复议", "行政诉讼"
_RESULTS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
            "total": "总计"}
_ROUTES = {"review": (_REVIEW,), "suit_direct": (_SUIT, "未经复议直接起诉"),
           "suit_after_review": (_SUIT, "复议后起诉")}

# Column header paths, looked up most specific first: (template, table, col), (template,
# family, col), (table, col), (family, col).
COLUMN_PATHS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("main", "value"): ("统计数",),
    ("2", "made"): ("本年新制作数量",),
    ("2", "published"): ("本年新公开数量",),
    ("2", "total"): ("对外公开总数量",),
    ("2", "issued"): ("本年制发件数",),
    ("2", "repealed"): ("本年废止件数",),
    ("2", "valid"): ("现行有效件数",),
    ("2", "prev"): ("上一年项目数量",),
    ("2", "delta"): ("本年增/减",),
    ("2", "decisions"): ("处理决定数量",),
    ("2021", "2", "decisions"): ("本年处理决定数量",),
    ("2.art20_8", "amount"): ("本年收费金额（单位：万元）",),
    ("2.art20_9", "count"): ("采购项目数量",),
    ("2.art20_9", "amount"): ("采购总金额",),
    ("3", "natural"): (_APPLICANT, "自然人"),
    ("3", "business"): (_APPLICANT, _LEGAL, "商业企业"),
    ("3", "research"): (_APPLICANT, _LEGAL, "科研机构"),
    ("3", "charity"): (_APPLICANT, _LEGAL, "社会公益组织"),
    ("3", "legal"): (_APPLICANT, _LEGAL, "法律服务机构"),
    ("3", "other"): (_APPLICANT, _LEGAL, "其他"),
    ("3", "total"): (_APPLICANT, "总计"),
    **{("4", f"{route}.{res}"): (*path, label) for route, path in _ROUTES.items()
       for res, label in _RESULTS.items()},
}

COLUMN_ORDER = {
    "main": ["value"],
    "2": ["made", "published", "total", "issued", "repealed", "valid", "prev", "delta", "decisions",
          "count", "amount"],
    "3": ["natural", "business", "research", "charity", "legal", "other", "total"],
    "4": [f"{route}.{res}" for route in _ROUTES for res in _RESULTS],
}

WORD_ROW_ORDER = ["rules", "normative", "license", "other_services", "penalty", "coercion", "fees",
                  "procurement", "count"]

# A heading the 2019/2021 table 三 prints but the mart need not store (its rows 3.x hang under it).
SYNTHETIC_HEADINGS = {("3", "3"): "三、本年度办理结果"}

NUMBERED_CODE = re.compile(r"^\d+(\.[0-9a-z]+)*$")


def code_key(code: object) -> tuple:
    """Sort key putting template codes in template order: 1, 1.1, 1.1.a, 1.2, 2, 10."""
    text = str(code)
    if text in WORD_ROW_ORDER:
        return ((0, WORD_ROW_ORDER.index(text), ""),)
    return tuple((1, int(p), "") if p.isdigit() else (2, 0, p) for p in text.split("."))


def family_of(table_code: str) -> str:
    """The sheet a table belongs to: ``main``, or the part before the first dot (2, 3, 4)."""
    return table_code.split(".")[0]


# ---------------------------------------------------------------------------------------
# The statistics tables
# ---------------------------------------------------------------------------------------


@dataclass
class Column:
    """A column of figures and its header path (outermost group first)."""

    code: str
    path: tuple[str, ...]


@dataclass
class Row:
    """A row of a statistics table; a heading row has no figures."""

    code: str
    label: str
    unit: str | None
    values: dict[str, float | None]
    heading: bool
    depth: int


@dataclass
class StatTable:
    """One table of a template (``table_code``), ready to lay out."""

    code: str
    title: str
    stub_title: str
    columns: list[Column]
    rows: list[Row]
    show_codes: bool
    show_units: bool
    broken: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """True when the table breaks an identity and must not be exported."""
        return bool(self.broken)

    @property
    def header_depth(self) -> int:
        """Number of header rows the column paths need."""
        return max((len(c.path) for c in self.columns), default=1)

    def header_cells(self) -> list[tuple[int, int, int, int, str]]:
        """Merged header cells over the figure columns: (row, column, rowspan, colspan, text),
        0-based, a path shorter than the deepest spanning down to the last header row."""
        depth, cols = self.header_depth, self.columns
        cells = []
        for level in range(depth):
            j = 0
            while j < len(cols):
                path = cols[j].path
                if len(path) <= level:
                    j += 1
                    continue
                k = j
                while (k + 1 < len(cols) and len(cols[k + 1].path) > level
                       and cols[k + 1].path[: level + 1] == path[: level + 1]
                       and (len(path) == level + 1) == (len(cols[k + 1].path) == level + 1)):
                    k += 1
                rowspan = depth - level if len(path) == level + 1 else 1
                cells.append((level, j, rowspan, k - j + 1, path[level]))
                j = k + 1
        return cells

    def value(self, row_code: str, col_code: str = "value") -> float | None:
        """A cell's figure, or None."""
        row = next((r for r in self.rows if r.code == row_code), None)
        return None if row is None else row.values.get(col_code)

    def refusal_text(self) -> str:
        """The note printed in place of a withheld table."""
        return ("本表未导出：数据不满足模板规定的算术关系（" + "；".join(self.broken[:6])
                + ("等" if len(self.broken) > 6 else "") + "），请核对 annual_report 后重新生成。")


@dataclass
class StatSheet:
    """The tables of one part of the template (one Excel sheet)."""

    key: str
    name: str
    title: str
    tables: list[StatTable]


def _text(value: object) -> str | None:
    """A label cell as text; empty and NaN become None."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def identity_problems(cells: pd.DataFrame, template: str) -> dict[str, list[str]]:
    """Broken identities of one division-year's cells, as messages by table code.

    The shared checker (``pipelines.annual.identities``, the same one that blocks the build)
    judges; a frame without the key columns (a single table handed in) is keyed as one table.
    """
    from pipelines.annual.identities import CELL_COLUMNS, broken_identities
    from pipelines.annual.templates import load_templates

    frame = cells.copy()
    defaults = {"division": "", "unit": None, "year": 0, "template": template}
    for column in CELL_COLUMNS:
        if column not in frame:
            frame[column] = defaults.get(column)
    out: dict[str, list[str]] = {}
    for problem in broken_identities(frame, templates=load_templates(ReferenceStore())):
        out.setdefault(str(problem.table_code), []).append(problem.message)
    return out


def _column_path(template: str, table: str, col: str, col_label: str | None,
                 col_group: str | None) -> tuple[str, ...]:
    # The layout here knows the official header groupings (申请人情况 over everything in
    # table 三); the mart's own label and group fill in columns it does not know.
    family = family_of(table)
    for key in ((template, table, col), (template, family, col), (table, col), (family, col)):
        if key in COLUMN_PATHS:
            path = COLUMN_PATHS[key]
            return (*path[:-1], col_label) if col_label else path
    groups = tuple(g.strip() for g in re.split(r"[·/／]", col_group) if g.strip()) if col_group else ()
    return (*groups, col_label or col)


def build_table(cells: pd.DataFrame, template: str, broken: dict[str, list[str]] | None = None) -> StatTable:
    """Lay one table's long cells out as rows × columns, in template order; ``broken`` holds
    the identities each table code breaks (a table with any is refused)."""
    broken = broken or {}
    table = str(cells["table_code"].iloc[0])
    family = family_of(table)
    has_row_order = "row_order" in cells and cells["row_order"].notna().any()

    def per_column(name: str) -> dict[str, object]:
        if name not in cells:
            return {}
        return cells.dropna(subset=[name]).groupby(cells["col_code"].astype(str))[name].first().to_dict()

    col_labels, col_groups = per_column("col_label"), per_column("col_group")
    col_rank = per_column("col_order")
    order = COLUMN_ORDER.get(family, [])
    seen = list(dict.fromkeys(cells["col_code"].astype(str)))
    if col_rank:
        col_codes = sorted(seen, key=lambda c: (col_rank.get(c, float("inf")), seen.index(c)))
    else:
        col_codes = [c for c in order if c in seen] + [c for c in seen if c not in order]
    columns = [Column(c, _column_path(template, table, c, _text(col_labels.get(c)), _text(col_groups.get(c))))
               for c in col_codes]

    rows: list[Row] = []
    for code, part in cells.groupby(cells["row_code"].astype(str), sort=False):
        values = {str(c): (None if pd.isna(v) else float(v)) for c, v in zip(part["col_code"], part["value"],
                                                                              strict=True)}
        label = next((str(x) for x in part["label"] if isinstance(x, str) and x.strip()), code)
        unit = next((str(x) for x in part["measure_unit"] if isinstance(x, str) and x.strip()), None)
        # The contract marks headings by NULL values; the mart's cell kind, where present, also
        # tells a heading from a row whose cells no input holds (NULL too, but not a heading).
        heading = (bool((part["kind"] == "header").all()) if "kind" in part and part["kind"].notna().all()
                   else all(v is None for v in values.values()))
        rows.append(Row(code, label, unit, values, heading=heading,
                        depth=min(code.count("."), 3) if NUMBERED_CODE.match(code) else 0))
    if has_row_order:
        rank = cells.groupby(cells["row_code"].astype(str))["row_order"].min().to_dict()
        rows.sort(key=lambda r: (rank.get(r.code, float("inf")), code_key(r.code)))
    else:
        rows.sort(key=lambda r: code_key(r.code))
    for (fam, code), label in SYNTHETIC_HEADINGS.items():
        if fam == family and template != "2008" and all(r.code != code for r in rows):
            first = next((i for i, r in enumerate(rows) if r.code.startswith(code + ".")), None)
            if first is not None:
                rows.insert(first, Row(code, label, None, {}, heading=True, depth=0))

    title = TABLE_TITLES.get(table) or _text(per_column("table_title").get(col_codes[0])) or SHEETS.get(
        family, (table, table))[1]
    return StatTable(
        code=table,
        title=title,
        stub_title=STUB_TITLES.get(family, ""),
        columns=columns,
        rows=rows,
        show_codes=all(NUMBERED_CODE.match(r.code) for r in rows),
        # Only template 2008 prints a unit column; 2019/2021 put units in the column headers.
        show_units=family == "main" and any(r.unit for r in rows),
        broken=broken.get(table, []),
    )


def build_sheets(cells: pd.DataFrame, template: str) -> list[StatSheet]:
    """The statistics tables of one division-year, grouped into sheets in template order."""
    if cells.empty:
        return []
    broken = identity_problems(cells, template)
    tables = [build_table(part.reset_index(drop=True), template, broken)
              for _, part in cells.groupby("table_code", sort=False)]
    tables.sort(key=lambda t: (list(SHEETS).index(family_of(t.code)) if family_of(t.code) in SHEETS else 99,
                               code_key(t.code)))
    sheets: dict[str, StatSheet] = {}
    for t in tables:
        fam = family_of(t.code)
        if fam not in sheets:
            name, title = SHEETS.get(fam, (re.sub(r"[\[\]:*?/\\]", "", t.code)[:31], t.code))
            sheets[fam] = StatSheet(fam, name, title, [])
        sheets[fam].tables.append(t)
    return list(sheets.values())


# ---------------------------------------------------------------------------------------
# Key figures
# ---------------------------------------------------------------------------------------


def format_number(value: float | None, unit: str | None = None) -> str:
    """A figure as printed in Chinese prose and tables: 2143, 0.15, 12.5 (no thousands mark)."""
    if value is None or pd.isna(value):
        return "—"
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.4f}" if unit == "万元" else f"{value:.2f}"
    return text.rstrip("0").rstrip(".")


@dataclass
class KeyFigure:
    """A headline number of the year, with last year's where the data has it."""

    key: str
    label: str
    unit: str
    value: float | None
    source: str
    previous: float | None = None

    @property
    def text(self) -> str:
        """The figure and its unit, e.g. ``2143条``."""
        return f"{format_number(self.value, self.unit)}{self.unit}"

    @property
    def change(self) -> str | None:
        """``比上年增加143条（增长7.2%）``, ``与上年持平``…; None without last year's figure."""
        if self.previous is None or self.value is None:
            return None
        diff = self.value - self.previous
        if abs(diff) < 1e-9:
            return "与上年持平"
        word, trend = ("增加", "增长") if diff > 0 else ("减少", "下降")
        amount = f"{format_number(abs(diff), self.unit)}{self.unit}"
        if self.previous == 0:
            return f"比上年{word}{amount}（上年为0）"
        return f"比上年{word}{amount}（{trend}{abs(diff) / self.previous * 100:.1f}%）"


# key → label, unit. Labels differ where the template's meaning differs.
FIGURE_UNITS = {"disclosed": "条", "normative": "件", "requests_received": "件", "requests_carried_in": "件",
                "requests_closed": "件", "requests_on_time": "件", "requests_late": "件",
                "requests_carried_out": "件", "reviews": "件", "suits": "件", "fees": "万元"}

# key → (label, [(table_code, row_code, col_code), …] summed). Table codes match by prefix,
# so ``3`` finds table 三 whatever its suffix.
TEMPLATE_FIGURES: dict[str, dict[str, tuple[str, list[tuple[str, str, str]]]]] = {
    "2008": {
        "disclosed": ("主动公开政府信息", [("main", "1.1", "value")]),
        "normative": ("其中主动公开规范性文件", [("main", "1.1.a", "value")]),
        "requests_received": ("收到政府信息公开申请", [("main", "3.1", "value")]),
        "requests_closed": ("办结申请", [("main", "3.2", "value")]),
        "requests_on_time": ("按时办结", [("main", "3.2.1", "value")]),
        "requests_late": ("延期办结", [("main", "3.2.2", "value")]),
        "reviews": ("因政府信息公开申请行政复议", [("main", "4", "value")]),
        "suits": ("因政府信息公开申请行政诉讼", [("main", "5", "value")]),
        "fees": ("依申请公开收取费用", [("main", "7", "value")]),
    },
    "2019": {
        "normative": ("本年新公开规范性文件", [("2.art20_1", "normative", "published")]),
        "requests_received": ("本年新收政府信息公开申请", [("3", "1", "total")]),
        "requests_carried_in": ("上年结转政府信息公开申请", [("3", "2", "total")]),
        "requests_closed": ("办理答复申请", [("3", "3.7", "total")]),
        "requests_carried_out": ("结转下年度继续办理", [("3", "4", "total")]),
        "reviews": ("政府信息公开行政复议", [("4", "count", "review.total")]),
        "suits": ("政府信息公开行政诉讼", [("4", "count", "suit_direct.total"),
                                          ("4", "count", "suit_after_review.total")]),
    },
}
TEMPLATE_FIGURES["2021"] = {**TEMPLATE_FIGURES["2019"],
                            "normative": ("本年制发行政规范性文件", [("2.art20_1", "normative", "issued")])}

# Figures the marts give directly, for templates without a cell for them.
MART_LABELS = {
    "disclosed": "主动公开政府信息", "normative": "其中主动公开规范性文件",
    "requests_received": "收到政府信息公开申请",
    "requests_closed": "办结申请", "requests_on_time": "按期答复", "requests_late": "逾期答复",
    "requests_carried_out": "结转下年度继续办理", "reviews": "因政府信息公开申请行政复议",
    "suits": "因政府信息公开申请行政诉讼", "fees": "依申请公开收取费用",
}
FIGURE_ORDER = list(FIGURE_UNITS)


def _cell(sheets: list[StatSheet], table: str, row: str, col: str) -> float | None:
    for sheet in sheets:
        for t in sheet.tables:
            if not t.refused and (t.code == table or t.code.startswith(table + ".")):
                v = t.value(row, col)
                if v is not None:
                    return v
    return None


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


def key_figures(sheets: list[StatSheet], template: str, marts: dict[str, float]) -> dict[str, KeyFigure]:
    """Headline figures: from the statistics tables where the template has the cell (and the
    table passed its identities), else counted from the marts."""
    out: dict[str, KeyFigure] = {}
    mapping = TEMPLATE_FIGURES.get(template, {})
    for key in FIGURE_ORDER:
        if key in mapping:
            label, cells = mapping[key]
            values = [_cell(sheets, *c) for c in cells]
            if all(v is not None for v in values):
                unit = "条" if (template, key) == ("2008", "normative") else FIGURE_UNITS[key]
                out[key] = KeyFigure(key, label, unit, sum(values), "统计表")
                continue
        if key in marts:
            unit = "条" if key in ("disclosed", "normative") else FIGURE_UNITS[key]
            out[key] = KeyFigure(key, MART_LABELS[key], unit, marts[key], "台账")
    return out


# ---------------------------------------------------------------------------------------
# Everything one pack shows
# ---------------------------------------------------------------------------------------


@dataclass
class Chart:
    """A chart of the pack: its PNG file name and the figure."""

    name: str
    figure: go.Figure
    section: str

    @property
    def title(self) -> str:
        """The chart's Chinese title."""
        return str(self.figure.layout.title.text or self.name)


@dataclass
class PackData:
    """The numbers, tables and charts of one division and year."""

    division: str
    division_name: str
    whole: str  # 全县 / 全区: how prose names the whole division
    year: int
    as_of: date
    template: str
    template_name: str
    sheets: list[StatSheet]
    figures: dict[str, KeyFigure]
    previous_year: int | None
    history: pd.DataFrame
    disclosures: pd.DataFrame
    channels: pd.DataFrame
    requests: pd.DataFrame
    appeals: pd.DataFrame
    task_status: pd.DataFrame
    plan_title: str | None
    plan_metrics: pd.DataFrame
    returns: pd.DataFrame
    section_labels: dict[str, str]
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def sheet(self, key: str) -> StatSheet | None:
        """The sheet of a table family (``main``, ``2``, ``3``, ``4``), if the mart has it."""
        return next((s for s in self.sheets if s.key == key), None)

    def table(self, code: str) -> StatTable | None:
        """A table by code (exact or prefix family), refused ones included."""
        for s in self.sheets:
            for t in s.tables:
                if t.code == code or t.code.startswith(code + "."):
                    return t
        return None

    @property
    def refused_tables(self) -> list[StatTable]:
        """Tables withheld because they break an identity."""
        return [t for s in self.sheets for t in s.tables if t.refused]


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() "
                            "WHERE schema_name = 'main' AND table_name = ?", [name]).fetchone()[0])


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?", [table]
    ).fetchall()}


def pack_targets(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(division, year) pairs to pack: every year of the annual tables and of the plans."""
    parts = ["SELECT DISTINCT division, year FROM plan_tasks"]
    if _has_table(con, "annual_report"):
        parts.append("SELECT DISTINCT division, year FROM annual_report WHERE unit IS NULL")
    sql = " UNION ".join(parts)
    return [(str(d), int(y)) for d, y in con.execute(f"SELECT * FROM ({sql}) ORDER BY 1, 2").fetchall()
            if d is not None and y is not None]


def template_for(con: duckdb.DuckDBPyConnection, division: str, year: int) -> str:
    """The template in force for a report year (the mart's own, else the reference rule)."""
    if _has_table(con, "annual_report"):
        row = con.execute("SELECT min(template) FROM annual_report WHERE division = ? AND year = ? "
                          "AND unit IS NULL", [division, year]).fetchone()
        if row and row[0]:
            return str(row[0])
    if _has_table(con, "ref_templates"):
        row = con.execute("""SELECT template FROM ref_templates
                             WHERE coalesce(first_year, 0) <= ? AND ? <= coalesce(last_year, 9999)
                             ORDER BY first_year DESC NULLS LAST LIMIT 1""", [year, year]).fetchone()
        if row:
            return str(row[0])
    return "2008" if year <= 2018 else "2019" if year <= 2020 else "2021"


def template_name(con: duckdb.DuckDBPyConnection, template: str) -> str:
    """The template's Chinese name and basis, for captions."""
    if _has_table(con, "ref_templates"):
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
    if not _has_table(con, "annual_report"):
        return pd.DataFrame(columns=list(CONTRACT_COLUMNS))
    extra = [c for c in OPTIONAL_COLUMNS if c in _columns(con, "annual_report")]
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
    numerals = "一二三四五六七八九十"
    labels: dict[str, str] = {}
    for task in json.loads(path.read_text(encoding="utf-8")).get("tasks", []):
        sec, title = str(task.get("section")), task.get("section_title")
        if sec not in labels and title:
            n = int(sec) if sec.isdigit() else 0
            prefix = f"{numerals[n - 1]}、" if 0 < n <= len(numerals) else f"{sec} "
            labels[sec] = prefix + title
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
    if not _has_table(con, "plan_reporting"):
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


def build_charts(pack: PackData) -> list[Chart]:
    """Every chart of the pack, in the order the page shows them."""
    out = [
        Chart("01-主动公开按月", charts.disclosures_by_month(pack.disclosures, pack.year), "disclosures"),
        Chart("02-主动公开按类别", charts.disclosures_by_category(pack.disclosures), "disclosures"),
        Chart("03-主动公开按渠道", charts.disclosures_by_channel(pack.channels), "disclosures"),
        Chart("04-依申请公开办理情况", charts.requests_funnel(pack.requests), "requests"),
        Chart("05-依申请公开答复时效", charts.requests_timeliness(pack.requests), "requests"),
        Chart("06-依申请公开办理用时", charts.requests_working_days(pack.requests), "requests"),
        Chart("07-依申请公开办理结果", charts.requests_outcomes(pack.requests), "requests"),
        Chart("08-工作任务完成情况", charts.task_states_by_section(pack.task_status, pack.section_labels),
              "plan"),
        Chart("09-方案量化指标", charts.plan_metrics_status(pack.plan_metrics), "plan"),
        Chart("10-月度进展报送", charts.returns_by_month(pack.returns), "plan"),
    ]
    if pack.history.dropna(subset=["value"])["year"].nunique() > 1:
        out.append(Chart("11-主要指标年度对比", charts.yearly_comparison(pack.history), "history"))
    return out


# ---------------------------------------------------------------------------------------
# PNG through kaleido
# ---------------------------------------------------------------------------------------


def find_browser() -> str | None:
    """Path of a Chromium-family browser kaleido can drive (BROWSER_PATH first), or None."""
    try:
        from choreographer.browsers.chromium import Chromium

        path = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure to look means we have no browser to use
        return None
    return path if path and Path(path).is_file() else None


class PngWriter:
    """One headless browser for many PNGs (≈0.3 s each instead of ≈3.5 s with a browser per image).

    Not ``kaleido.start_sync_server()``: when its browser fails to start, its server thread
    dies and every later ``write_image`` waits forever (seen with a broken BROWSER_PATH).
    Here the browser runs on a private event loop and every call has a timeout, so a broken
    browser is an exception the pack reports, never a hung run.
    """

    def __init__(self, browser: str, timeout: float = PNG_TIMEOUT_SECONDS) -> None:
        self.browser = browser
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    def __enter__(self) -> "PngWriter":
        import kaleido

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="gongkai-kaleido", daemon=True)
        self._thread.start()

        async def open_browser():
            k = kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False, path=self.browser)
            await k.open()
            return k

        try:
            self._kaleido = self._run(open_browser())
        except BaseException:
            self._stop_loop()
            raise
        return self

    def write(self, fig: go.Figure, path: Path) -> None:
        """Write one figure as PNG at its own size (charts.figure_size), twice the pixels."""
        width, height = charts.figure_size(fig)
        opts = {"format": "png", "width": width, "height": height, "scale": PNG_SCALE}
        self._run(self._kaleido.write_fig(fig, path=str(path), opts=opts, cancel_on_error=True))

    def __exit__(self, *exc) -> None:
        try:
            if self._kaleido is not None:
                self._run(self._kaleido.close())
        finally:
            self._stop_loop()

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(self.timeout + 30)

    def _stop_loop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            if not self._thread.is_alive():
                self._loop.close()


def png_skipped_note(reason: str) -> str:
    """The reader-facing note when PNG charts could not be made."""
    return f"未生成 PNG 图表：{reason}。网页（report.html）中的交互图表不受影响。补救办法：{INSTALL_HINT}。"


# ---------------------------------------------------------------------------------------
# Writing the folders
# ---------------------------------------------------------------------------------------


@dataclass
class PackResult:
    """What one division-year's pack ended up with."""

    division: str
    year: int
    folder: Path
    pngs: int
    refused: list[str]
    notes: list[str]


# What the pack owns in a year's folder; anything else there (the executed notebooks) is
# someone else's and survives a new pack.
PACK_ENTRIES = frozenset({"annual-report.xlsx", "annual-report.docx", "report.html", CHARTS_DIR})


def _link_or_copy(src: str, dst: str) -> None:
    try:
        Path(dst).hardlink_to(src)
    except OSError:
        shutil.copy2(src, dst)


def _keep_others(final: Path, tmp: Path) -> None:
    # Hard links, not moves: a crash before the swap must not lose the other files.
    if not final.is_dir():
        return
    for entry in final.iterdir():
        if entry.name in PACK_ENTRIES or (tmp / entry.name).exists():
            continue
        if entry.is_dir():
            shutil.copytree(entry, tmp / entry.name, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(tmp / entry.name))


def _swap_in(tmp: Path, final: Path) -> None:
    # Two renames: the old folder moves aside, the new one takes its name. A reader sees
    # the old pack or the new one, never a mix; a crash between them leaves the old pack
    # aside under a dot name, cleaned by the next run.
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _clean_leftovers(division_dir: Path) -> None:
    for stale in division_dir.glob(".*.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in division_dir.glob(".*.old-*"):
        shutil.rmtree(stale, ignore_errors=True)


def write_pack(pack: PackData, reports_dir: Path, png: PngWriter | None,
               png_problem: str | None) -> PackResult:
    """Write one division-year folder atomically and return what it holds."""
    division_dir = reports_dir / pack.division
    division_dir.mkdir(parents=True, exist_ok=True)
    final = division_dir / str(pack.year)
    tmp = division_dir / f".{pack.year}.partial-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        xlsx.write_workbook(pack, tmp / "annual-report.xlsx")
        docx.write_report(pack, tmp / "annual-report.docx")
        chart_dir = tmp / CHARTS_DIR
        chart_dir.mkdir()
        written = 0
        problem = png_problem
        if png is not None and problem is None:
            try:
                for chart in pack.charts:
                    png.write(chart.figure, chart_dir / f"{chart.name}.png")
                    written += 1
            except Exception as exc:  # noqa: BLE001 - a chart failing must not cost the rest of the pack
                problem = f"浏览器渲染图表失败（{type(exc).__name__}: {str(exc)[:200]}）"
        if problem:
            for leftover in chart_dir.glob("*.png"):
                leftover.unlink()
            written = 0
            note = png_skipped_note(problem)
            (chart_dir / PNG_NOTE_FILE).write_text(note + "\n", encoding="utf-8")
            pack.notes.insert(0, note)
        html.write_page(pack, tmp / "report.html")
        _keep_others(final, tmp)
        _swap_in(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return PackResult(pack.division, pack.year, final, written, [t.code for t in pack.refused_tables],
                      list(pack.notes))


def write_packs(settings: Settings, log=None, png_enabled: bool = True,
                divisions: list[str] | None = None) -> list[PackResult]:
    """Write the pack of every year of ``divisions`` (default: all) from the published marts,
    with PNG charts when a browser exists."""
    if not settings.db_path.exists():
        raise FileNotFoundError(f"找不到已发布的数据集市 {settings.db_path}，"
                                "请先构建（python -m pipelines build）")
    reports_dir = settings.marts_dir / REPORTS_DIR
    con = duckdb.connect(str(settings.db_path), read_only=True)
    try:
        packs = [load_pack(con, settings, d, y) for d, y in pack_targets(con)
                 if divisions is None or d in divisions]
    finally:
        con.close()
    for division in {p.division for p in packs}:
        (reports_dir / division).mkdir(parents=True, exist_ok=True)
        _clean_leftovers(reports_dir / division)

    browser = find_browser() if png_enabled else None
    problem = None if browser else "本机未找到 Chromium 或 Chrome 浏览器"
    results: list[PackResult] = []
    writer: PngWriter | None = None
    if browser and packs:
        try:
            writer = PngWriter(browser).__enter__()
        except Exception as exc:  # noqa: BLE001
            problem = f"无法启动浏览器 {browser}（{type(exc).__name__}: {str(exc)[:200]}）"
            writer = None
    try:
        for pack in packs:
            results.append(write_pack(pack, reports_dir, writer, problem))
    finally:
        if writer is not None:
            writer.__exit__(None, None, None)
    if log is not None and problem and packs:
        log.warning(png_skipped_note(problem))
    return results


@dg.asset(
    group_name="reports",
    kinds={"excel", "html", "plotly"},
    partitions_def=DIVISIONS,
    deps=[gongkai_marts],
    description="领导材料包：本区划每个年度的年报统计表（xlsx）、年报草稿（docx）、离线网页（html）和图表（png），"
                "取自已发布的数据集市",
)
def leaders_pack(context: dg.AssetExecutionContext, marts_db: MartsDatabase) -> dg.MaterializeResult:
    """Write ``marts/reports/<division>/<year>/`` for every year of the run's division."""
    settings = marts_db.settings()
    results = write_packs(settings, context.log, divisions=[division_of(context)])
    for r in results:
        for code in r.refused:
            context.log.warning(f"{r.division} {r.year} 统计表 {code} 不满足算术关系，"
                                "未导出（详见 report.html）")
        context.log.info(f"材料包已生成：{r.folder}（PNG 图表 {r.pngs} 张）")
    return dg.MaterializeResult(metadata={
        "packs": len(results),
        "folders": [str(r.folder) for r in results],
        "png_charts": sum(r.pngs for r in results),
        "refused_tables": [f"{r.division}/{r.year}/{c}" for r in results for c in r.refused],
    })


ASSETS = [leaders_pack]
