"""Laying the ``annual_report`` cells of one division-year out as the template's tables.

Row labels come from the mart's ``label`` column; what the mart does not carry (table
titles, column headers and their groupings) is here. A table that breaks one of its
template's arithmetic identities is marked refused, with the reason, so no writer hands it
to leaders.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.annual.identities import CELL_COLUMNS, broken_identities
from pipelines.annual.templates import load_templates
from pipelines.pack.model import StatColumn, StatRow, StatSheet, StatTable
from pipelines.reference.store import ReferenceStore

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
    columns = [StatColumn(c, _column_path(template, table, c, _text(col_labels.get(c)),
                                          _text(col_groups.get(c)))) for c in col_codes]

    rows: list[StatRow] = []
    for code, part in cells.groupby(cells["row_code"].astype(str), sort=False):
        values = {str(c): (None if pd.isna(v) else float(v)) for c, v in zip(part["col_code"], part["value"],
                                                                              strict=True)}
        label = next((str(x) for x in part["label"] if isinstance(x, str) and x.strip()), code)
        unit = next((str(x) for x in part["measure_unit"] if isinstance(x, str) and x.strip()), None)
        # The contract marks headings by NULL values; the mart's cell kind, where present, also
        # tells a heading from a row whose cells no input holds (NULL too, but not a heading).
        heading = (bool((part["kind"] == "header").all()) if "kind" in part and part["kind"].notna().all()
                   else all(v is None for v in values.values()))
        rows.append(StatRow(code, label, unit, values, heading=heading,
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
                rows.insert(first, StatRow(code, label, None, {}, heading=True, depth=0))

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


def build_sheets(cells: pd.DataFrame, template: str,
                 broken: dict[str, list[str]] | None = None) -> list[StatSheet]:
    """The statistics tables of one division-year, grouped into sheets in template order;
    ``broken`` (identity messages by table code) defaults to checking ``cells`` here."""
    if cells.empty:
        return []
    if broken is None:
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

