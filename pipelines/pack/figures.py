"""The headline figures of a year: which cell of the template (or which count of the marts)
each one is, and how it compares with last year.
"""

from __future__ import annotations

from pipelines.pack.model import KeyFigure, StatSheet

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

