"""Annual-report templates as data: ``reference/templates/<template>.json`` plus the 办理结果 words.

A template file lists its tables; each table its columns, rows and identities; each data cell
says where it comes from with a small declarative ``source``::

    {"from": "requests", "year_by": "answered_on", "where": {"channel": ["网络", "电子邮件"]},
     "measure": "count"}

(``template_sources`` says what each key may be). The same file says how the leaders' pack
shows the template: which tables go on which sheet, the headline figures, and the Word
draft's sections and sentences. A new template is a new file and its words in
``outcomes.csv``, not new code; docs/annual-report-templates.md describes every key.

``load_templates`` reads and checks the files: their shape (``template_model``, pydantic)
and what they refer to (``template_checks``); every problem is reported at once, naming the
file, table, row and column. ``spec_frames`` turns the templates into the ``ref_annual_*``
tables the SQL models read, ``ref_annual_templates`` among them (each template whole, as
JSON), from which ``templates_from_marts`` rebuilds what a build used.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
from pydantic import ValidationError

from pipelines.annual.template_checks import check_template
from pipelines.annual.template_model import OutcomeWord, ReportTemplate, TemplateFile, describe_errors
from pipelines.annual.template_sources import SOURCE_KINDS, Problems, resolve_cells
from pipelines.db import table_exists
from pipelines.reference.load import read_csv_rows
from pipelines.reference.store import ReferenceStore

__all__ = ["SOURCE_KINDS", "SPEC_TYPES", "ReportTemplate", "TemplateError", "load_templates",
           "parse_template", "spec_frames", "template_for_year", "templates_from_marts"]

SPEC_TABLE = "ref_annual_templates"


class TemplateError(ValueError):
    """A template file (or its outcome words) is inconsistent; the message lists every problem."""


def parse_template(raw: dict, outcomes: list[dict], where: str = "模板",
                   first_year: int | None = None, last_year: int | None = None) -> ReportTemplate:
    """Validate one template's JSON (already parsed) with its outcome words (rows of
    ``outcomes.csv``); raise TemplateError listing every problem."""
    problems = Problems(where)
    try:
        TemplateFile.model_validate(raw)
    except ValidationError as exc:
        for context, message in describe_errors(exc, raw):
            problems.add(context, message)
        raise TemplateError("年报模板有误：\n" + "\n".join(problems.items)) from None
    words = [OutcomeWord(outcome=o["outcome"], row_code=o["row_code"], table_code=o.get("table_code") or None)
             for o in outcomes]
    template = ReportTemplate.model_validate({**raw, "first_year": first_year, "last_year": last_year,
                                              "outcomes": [w.model_dump(exclude_none=True) for w in words],
                                              "path": where})
    check_template(template, problems)
    if problems.items:
        raise TemplateError("年报模板有误：\n" + "\n".join(problems.items))
    return template


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def load_templates(store: ReferenceStore) -> dict[str, ReportTemplate]:
    """Every template of ``templates/templates.csv``, validated, keyed by template id."""
    index = read_csv_rows(store.require("templates/templates.csv"))
    outcomes = read_csv_rows(store.require("templates/outcomes.csv"))
    templates: dict[str, ReportTemplate] = {}
    problems: list[str] = []
    for entry in index:
        tid = entry["template"]
        relative = f"templates/{tid}.json"
        path = store.find(relative)
        if path is None:
            problems.append(f"templates/templates.csv 列出的模板 {tid} 没有模板文件 {relative}")
            continue
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problems.append(f"{relative} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）")
            continue
        if not isinstance(raw, dict) or str(raw.get("template")) != tid:
            found = raw.get("template") if isinstance(raw, dict) else None
            problems.append(f"{relative} 的 template 应为 {tid}，实为 {found!r}")
            continue
        try:
            templates[tid] = parse_template(
                raw, [o for o in outcomes if o["template"] == tid], relative,
                _year(entry.get("first_year", "")), _year(entry.get("last_year", "")))
        except TemplateError as exc:
            problems.append(str(exc))
    spans = sorted((t.first_year or 0, t.last_year or 9999, t.template) for t in templates.values())
    for (_, hi, a), (lo, _, b) in zip(spans, spans[1:], strict=False):
        if lo <= hi:
            problems.append(f"templates/templates.csv 中模板 {a} 与 {b} 的适用年度重叠")
    if problems:
        raise TemplateError("\n".join(problems))
    return templates


def template_for_year(templates: dict[str, ReportTemplate], year: int) -> ReportTemplate | None:
    """The template in force for report year ``year``."""
    return next((t for t in templates.values() if t.covers(year)), None)


def templates_from_marts(con: duckdb.DuckDBPyConnection) -> dict[str, ReportTemplate]:
    """The templates a build used, rebuilt from its marts (``ref_annual_templates``); marts
    written before that table existed get the shipped templates instead."""
    if not table_exists(con, SPEC_TABLE):
        return load_templates(ReferenceStore())
    rows = con.execute(f"SELECT template, CAST(spec AS VARCHAR) FROM {SPEC_TABLE} ORDER BY template"
                       ).fetchall()
    return {str(tid): ReportTemplate.model_validate_json(spec) for tid, spec in rows}


def spec_frames(templates: dict[str, ReportTemplate]) -> dict[str, pd.DataFrame]:
    """The templates as small tables for the SQL models (``ref_annual_*``), one row per item."""
    tables, rows, columns, cells, conditions, terms = [], [], [], [], [], []
    specs = []
    for t in templates.values():
        specs.append({"template": t.template, "spec": t.to_json()})
        for order, tb in enumerate(t.tables):
            key = {"template": t.template, "table_code": tb.code}
            tables.append({**key, "template_name": t.name, "table_title": tb.title,
                           "table_short": tb.short, "section": tb.section, "table_order": order,
                           "row_header": tb.row_header, "column_header": tb.column_header})
            rows += [{**key, "row_code": r.code, "label": r.label, "measure_unit": r.unit,
                      "parent_code": r.parent, "is_header": r.header, "row_order": i,
                      "level": tb.levels[r.code], "note": r.note} for i, r in enumerate(tb.rows)]
            columns += [{**key, "col_code": c.code, "col_label": c.label, "col_group": c.group,
                         "measure_unit": c.unit, "col_order": i} for i, c in enumerate(tb.columns)]
            problems = Problems(t.path)
            for c in resolve_cells(t, tb, problems):
                ckey = {**key, "row_code": c.row_code, "col_code": c.col_code}
                s = c.source
                cells.append({**ckey, "kind": c.kind, "source": s.source if s else None,
                              "lineage_source": SOURCE_KINDS[s.source].lineage if s else None,
                              "year_by": s.year_by if s else None, "measure": s.measure if s else None,
                              "scale": s.scale if s else None, "measure_unit": c.measure_unit,
                              "note": c.note})
                for k in s.conditions if s else ():
                    conditions.append({**ckey, "attr": k.attr, "negate": k.negate, "vals": list(k.values)})
            if problems.items:
                raise TemplateError("年报模板有误：\n" + "\n".join(problems.items))
            for n, ident in enumerate(tb.identities, start=1):
                labels = ({r.code: r.code for r in tb.rows} if ident.over == "rows" else
                          {c.code: (f"{c.group}·" if c.group else "") + c.label for c in tb.columns})
                for side, codes in (("lhs", ident.lhs), ("rhs", ident.rhs)):
                    terms += [{**key, "table_short": tb.short, "identity_no": n, "over": ident.over,
                               "op": ident.op, "side": side, "pos": i, "code": code,
                               "code_label": labels.get(code, code)} for i, code in enumerate(codes)]
    frames = {"ref_annual_tables": tables, "ref_annual_rows": rows, "ref_annual_columns": columns,
              "ref_annual_cells": cells, "ref_annual_conditions": conditions,
              "ref_annual_identity_terms": terms, SPEC_TABLE: specs}
    return {name: pd.DataFrame(items, columns=[n for n, _ in SPEC_TYPES[name]])
            for name, items in frames.items()}


_KEY = [("template", "VARCHAR"), ("table_code", "VARCHAR")]
SPEC_TYPES: dict[str, list[tuple[str, str]]] = {
    "ref_annual_tables": [*_KEY, ("template_name", "VARCHAR"), ("table_title", "VARCHAR"),
                          ("table_short", "VARCHAR"), ("section", "VARCHAR"), ("table_order", "INTEGER"),
                          ("row_header", "VARCHAR"), ("column_header", "VARCHAR")],
    "ref_annual_rows": [*_KEY, ("row_code", "VARCHAR"), ("label", "VARCHAR"), ("measure_unit", "VARCHAR"),
                        ("parent_code", "VARCHAR"), ("is_header", "BOOLEAN"), ("row_order", "INTEGER"),
                        ("level", "INTEGER"), ("note", "VARCHAR")],
    "ref_annual_columns": [*_KEY, ("col_code", "VARCHAR"), ("col_label", "VARCHAR"), ("col_group", "VARCHAR"),
                           ("measure_unit", "VARCHAR"), ("col_order", "INTEGER")],
    "ref_annual_cells": [*_KEY, ("row_code", "VARCHAR"), ("col_code", "VARCHAR"), ("kind", "VARCHAR"),
                         ("source", "VARCHAR"), ("lineage_source", "VARCHAR"), ("year_by", "VARCHAR"),
                         ("measure", "VARCHAR"), ("scale", "DOUBLE"), ("measure_unit", "VARCHAR"),
                         ("note", "VARCHAR")],
    "ref_annual_conditions": [*_KEY, ("row_code", "VARCHAR"), ("col_code", "VARCHAR"), ("attr", "VARCHAR"),
                              ("negate", "BOOLEAN"), ("vals", "VARCHAR[]")],
    "ref_annual_identity_terms": [*_KEY, ("table_short", "VARCHAR"), ("identity_no", "INTEGER"),
                                  ("over", "VARCHAR"), ("op", "VARCHAR"), ("side", "VARCHAR"),
                                  ("pos", "INTEGER"), ("code", "VARCHAR"), ("code_label", "VARCHAR")],
    SPEC_TABLE: [("template", "VARCHAR"), ("spec", "JSON")],
}

