"""The shape of an annual-report template file (``reference/templates/<id>.json``), as models.

Every key a template may have is declared here, in ``table_model`` (the statistics tables)
and in ``report_model`` (the Word draft), and nothing else is accepted (``extra="forbid"``):
a misspelt key fails loudly instead of being ignored. The models check
the shape of one file; what a file refers to (the rows of an identity, the words of
``outcomes.csv``, the cells of a key figure, …) is checked by ``template_checks``. The keys
are documented in docs/annual-report-templates.md.

A file has four parts: ``tables`` (the statistics tables and where each cell comes from),
``sheets`` (how the tables are grouped in the workbook and the page), ``figures`` (the
headline numbers) and ``report`` (the Word draft: section headings and, under each, which
paragraph builders say what).
"""

from __future__ import annotations

from pydantic import Field, StrictBool, StrictInt, StrictStr, ValidationError

from pipelines.annual.report_model import ReportSpec
from pipelines.annual.table_model import CellRef, Model, TableSpec

# Excel refuses these in a sheet name, and names longer than 31 characters.
SHEET_NAME_PATTERN = r"^[^\[\]:*?/\\]{1,31}$"


class SheetSpec(Model):
    """A workbook sheet (and a part of the page): which tables, under which name and title."""

    key: StrictStr
    name: StrictStr = Field(pattern=SHEET_NAME_PATTERN)
    title: StrictStr
    tables: list[StrictStr] = Field(min_length=1)
    division_in_title: StrictBool = False


class FigureSpec(Model):
    """A headline figure: the sum of ``cells`` (table, row, column) when the table has them
    all, else, with ``marts``, the count the marts give for ``key``. ``compare_as`` names what
    it measures: last year's figure is compared (同比) when it measures the same, across a change
    of template too (default: the same label)."""

    key: StrictStr
    label: StrictStr
    unit: StrictStr
    cells: list[CellRef] = []
    marts: StrictBool = True
    marts_label: StrictStr | None = None
    marts_unit: StrictStr | None = None
    headline: StrictBool = False
    compare_as: StrictStr | None = None


class TemplateFile(Model):
    """One template file, as written."""

    template: StrictStr = Field(min_length=1)
    name: StrictStr
    basis: StrictStr | None = None
    tables: list[TableSpec] = Field(min_length=1)
    sheets: list[SheetSpec] = []
    figures: list[FigureSpec] = []
    report: ReportSpec | None = None


class OutcomeWord(Model):
    """A 办理结果 word of ``outcomes.csv`` and the row it is counted in."""

    outcome: StrictStr
    row_code: StrictStr
    table_code: StrictStr | None = None


class ReportTemplate(TemplateFile):
    """A template as a build uses it: the file, the report years it is in force for
    (``templates.csv``), its outcome words and where it was read from."""

    first_year: StrictInt | None = None
    last_year: StrictInt | None = None
    outcomes: list[OutcomeWord] = []
    path: str = ""

    def table(self, code: str) -> TableSpec | None:
        """The table with this code, or None."""
        return next((t for t in self.tables if t.code == code), None)

    def covers(self, year: int) -> bool:
        """Whether the template is in force for report year ``year``."""
        return (self.first_year or 0) <= year <= (self.last_year or 9999)

    def figure(self, key: str) -> FigureSpec | None:
        """The headline figure with this key, or None."""
        return next((f for f in self.figures if f.key == key), None)

    def layout_sheets(self) -> list[SheetSpec]:
        """The sheets of the file, or one per table when it names none."""
        if self.sheets:
            return list(self.sheets)
        return [SheetSpec(key=t.code, name=_sheet_name(t.short), title=t.title, tables=[t.code])
                for t in self.tables]

    def to_json(self) -> str:
        """The template as JSON, keys as the file spells them (what the marts store)."""
        return self.model_dump_json(by_alias=True, exclude_unset=True)


def _sheet_name(text: str) -> str:
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "表"


# --- messages ---------------------------------------------------------------------------------

_CONTAINERS = {"tables": ("表", "table_code"), "rows": ("第", "code"), "columns": ("列", "code"),
               "sheets": ("工作表", "key"), "figures": ("关键数字", "key")}
_TYPES = {"string_type": "文本", "bool_type": "true/false", "list_type": "列表", "dict_type": "对象",
          "model_type": "对象", "int_type": "整数", "float_type": "数字", "tuple_type": "列表"}


def _context(raw: object, loc: tuple) -> tuple[list[str], list[str]]:
    """Turn a pydantic location into words (表 main 第 3.1 行 …) and the remaining key path."""
    words: list[str] = []
    keys: list[str] = []
    node = raw
    items = list(loc)
    i = 0
    while i < len(items):
        key = items[i]
        last = i == len(items) - 1
        if isinstance(node, dict) and isinstance(key, str) and key not in node and not last:
            i += 1  # a union member's tag, not a key of the file
            continue
        child = node.get(key) if isinstance(node, dict) else (
            node[key] if isinstance(node, list) and isinstance(key, int) and key < len(node) else None)
        if isinstance(key, int) and keys and keys[-1] in _CONTAINERS and isinstance(child, dict):
            container = keys.pop()
            word, code_key = _CONTAINERS[container]
            code = child.get(code_key, f"#{key + 1}")
            words.append(f"第 {code} 行" if container == "rows" else
                         f"{code} 列" if container == "columns" else f"{word} {code}")
            keys.clear()
        elif isinstance(key, int) and keys and keys[-1] in ("sections", "paragraphs", "identities", "parts"):
            name = {"sections": "年报草稿第 {} 节", "paragraphs": "第 {} 段", "identities": "勾稽关系 {}",
                    "parts": "第 {} 个成分"}[keys.pop()]
            words.append(name.format(key + 1))
            keys.clear()
        elif keys and keys[-1] == "cells" and isinstance(key, str) and isinstance(node, dict):
            keys.clear()
            words.append(f"{key} 列")
        else:
            keys.append(str(key))
        node = child
        i += 1
    return words, keys


def describe_errors(error: ValidationError, raw: object) -> list[tuple[str, str]]:
    """Each problem pydantic found, as (where in the file, what is wrong), in Chinese."""
    out = []
    for e in error.errors():
        words, keys = _context(raw, e["loc"])
        field = ".".join(keys)
        kind, ctx = e["type"], e.get("ctx", {})
        if kind == "missing":
            message = f"缺少 {field}"
        elif kind == "extra_forbidden":
            parent, _, name = field.rpartition(".")
            message = f"{parent + ' ' if parent else ''}含未知键 {name}"
        elif kind == "literal_error":
            expected = str(ctx.get("expected")).replace(" or ", "、")
            message = f"{field} 应为 {expected} 之一，实为 {e['input']!r}"
        elif kind == "union_tag_invalid":
            expected = str(ctx.get("expected_tags")).replace("'", "").replace(", ", "、")
            name = str(ctx.get("discriminator", "kind")).strip("'")
            message = f"{name} 应为 {expected} 之一，实为 {ctx.get('tag')!r}"
        elif kind in ("too_short", "string_too_short"):
            message = f"{field} 不能为空"
        elif kind == "string_pattern_mismatch":
            message = f"{field} 不能超过 31 个字符，也不能含 []:*?/\\（实为 {e['input']!r}）"
        elif kind in _TYPES:
            message = f"{field} 应为{_TYPES[kind]}，实为 {e['input']!r}"
        elif kind == "value_error":
            message = str(ctx.get("error", e["msg"]))
        else:
            message = f"{field + ' ' if field else ''}{e['msg']}"
        out.append((" ".join(words), message))
    return out
