"""The statistics tables of a template file, as models: tables, columns, rows, identities
and the ``source`` fragments that say where each cell comes from.

Part of ``template_model`` (the whole file); unknown keys are an error everywhere
(``extra="forbid"``). What a table refers to is checked by ``template_checks``, what a
source may say by ``template_sources``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictStr,
    field_validator,
    model_validator,
)

# Separates nested header groups in a column's ``group`` (行政诉讼·复议后起诉).
GROUP_SEPARATOR = "·"


class Model(BaseModel):
    """A part of a template file: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Word = StrictStr | StrictBool


class NotIn(Model):
    """``{"not_in": [...]}``: any value but these."""

    not_in: list[Word] = Field(min_length=1)


def _condition_shape(attr: str, value: object) -> None:
    words = (str, bool)
    ok = (isinstance(value, words)
          or (isinstance(value, list) and value and all(isinstance(v, words) for v in value))
          or (isinstance(value, dict) and set(value) == {"not_in"}))
    if not ok:
        raise ValueError(f"属性 {attr} 的条件只能是取值、取值列表或 {{\"not_in\": [...]}}")


class SourceFragment(Model):
    """Where a cell's figure comes from, or the part of it a row or a column says."""

    from_: StrictStr | None = Field(None, alias="from")
    year_by: StrictStr | None = None
    where: dict[str, Word | list[Word] | NotIn] | None = None
    measure: StrictStr | None = None
    scale: StrictFloat | None = None
    outcome: Literal["row"] | None = None

    @field_validator("where", mode="before")
    @classmethod
    def _where_shape(cls, value: Any) -> Any:
        # One readable message instead of one per member of the union.
        if isinstance(value, dict):
            for attr, cond in value.items():
                _condition_shape(attr, cond)
        return value

    def given(self) -> dict:
        """The keys the file sets, as written (``from`` under its own name)."""
        return self.model_dump(by_alias=True, exclude_unset=True, exclude_none=True)


class ColumnSpec(Model):
    """A column of figures; ``group`` is the spanning header above it (levels joined by ·)."""

    code: StrictStr
    label: StrictStr
    group: StrictStr | None = None
    unit: StrictStr | None = None
    source: SourceFragment | None = None


class RowSpec(Model):
    """A row; ``parent`` is the row it is printed under, ``header`` a row without figures."""

    code: StrictStr
    label: StrictStr = Field(min_length=1)
    unit: StrictStr | None = None
    parent: StrictStr | None = None
    header: StrictBool = False
    source: SourceFragment | None = None
    cells: dict[str, SourceFragment | None] | None = None
    note: StrictStr | None = None

    @model_validator(mode="after")
    def _one_kind_of_source(self) -> RowSpec:
        if self.header and (self.source is not None or self.cells):
            raise ValueError("表头行不能有数据来源")
        if self.source is not None and self.cells is not None:
            raise ValueError("source 与 cells 只能二选一")
        return self


class IdentitySpec(Model):
    """``sum(lhs) op sum(rhs)``, checked in every column (``over: rows``) or every row."""

    over: Literal["rows", "columns"] = "rows"
    lhs: list[StrictStr] = Field(min_length=1)
    op: Literal["=", ">="] = "="
    rhs: list[StrictStr] = Field(min_length=1)


def _duplicates(codes: list[str]) -> list[str]:
    return sorted({c for c in codes if codes.count(c) > 1})


class TableSpec(Model):
    """One statistics table: columns, rows, identities, and how the pack prints it."""

    table_code: StrictStr
    title: StrictStr = Field(min_length=1)
    short_title: StrictStr | None = None
    section: StrictStr | None = None
    row_header: StrictStr | None = None
    column_header: StrictStr | None = None
    stub_title: StrictStr | None = None
    show_codes: StrictBool = False
    show_units: StrictBool = False
    columns: list[ColumnSpec] = Field(min_length=1)
    rows: list[RowSpec] = Field(min_length=1)
    identities: list[IdentitySpec] = []

    @model_validator(mode="after")
    def _unique_codes(self) -> TableSpec:
        for kind, items in (("行", self.rows), ("列", self.columns)):
            dupes = _duplicates([i.code for i in items])
            if dupes:
                raise ValueError(f"{kind}编码重复：{'、'.join(dupes)}")
        return self

    @property
    def code(self) -> str:
        """The table's code (``table_code``)."""
        return self.table_code

    @property
    def short(self) -> str:
        """The short title messages use (``short_title``, else ``title``)."""
        return self.short_title or self.title

    @property
    def stub(self) -> str:
        """The heading over the row labels (``stub_title``, else ``row_header``, else empty)."""
        return self.stub_title if self.stub_title is not None else (self.row_header or "")

    def row(self, code: str) -> RowSpec | None:
        """The row with this code, or None."""
        return next((r for r in self.rows if r.code == code), None)

    def column(self, code: str) -> ColumnSpec | None:
        """The column with this code, or None."""
        return next((c for c in self.columns if c.code == code), None)

    def column_path(self, column: ColumnSpec) -> tuple[str, ...]:
        """A column's header path, outermost first: the table's ``column_header``, the levels
        of the column's ``group``, then its label (申请人情况 › 法人或其他组织 › 商业企业)."""
        groups = [g.strip() for g in (column.group or "").split(GROUP_SEPARATOR) if g.strip()]
        return (*([self.column_header] if self.column_header else []), *groups, column.label)

    @cached_property
    def levels(self) -> dict[str, int]:
        """Each row's depth below the top (0) by its parent chain; a broken chain stops counting."""
        parents = {r.code: r.parent for r in self.rows}
        levels = {}
        for code in parents:
            depth, seen, cur = 0, {code}, parents[code]
            while cur is not None and cur in parents and cur not in seen:
                seen.add(cur)
                depth += 1
                cur = parents[cur]
            levels[code] = depth
        return levels

    def descendants(self, code: str) -> set[str]:
        """The row itself and every row below it."""
        found, stack = set(), [code]
        while stack:
            cur = stack.pop()
            if cur not in found:
                found.add(cur)
                stack.extend(r.code for r in self.rows if r.parent == cur)
        return found


# A cell of a table: [table code, row code, column code].
CellRef = tuple[StrictStr, StrictStr, StrictStr]
