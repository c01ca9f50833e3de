"""Finding the table in a sheet: the header row (on a visible sheet), the column of each
field, and the metadata (``标签：值``) written above the header."""

from __future__ import annotations

import re

from pipelines.ingest.contracts import Contract, Field, required_headers
from pipelines.ingest.sheets import FileRejected, Sheet
from pipelines.reference.names import normalize_text

HEADER_SCAN_ROWS = 10


def _header_keys(f: Field) -> set[str]:
    return {normalize_text(h).rstrip(":") for h in (f.header, *f.header_aliases)}


def find_header(sheet: Sheet, contract: Contract) -> tuple[int, dict[str, int]] | None:
    """The header row (first within the first 10 holding every required header) and the
    column position of each field found on it."""
    needed = required_headers(contract)
    for row_no in sheet.grid.index[:HEADER_SCAN_ROWS]:
        cells = [normalize_text(v).rstrip(":") for v in sheet.grid.loc[row_no]]
        positions: dict[str, int] = {}
        for f in contract.fields:
            keys = _header_keys(f)
            pos = next((i for i, c in enumerate(cells) if c in keys), None)
            if pos is not None:
                positions[f.name] = pos
        if all(f.name in positions for f in needed):
            return row_no, positions
    return None


def read_metadata(sheet: Sheet, header_row: int, contract: Contract) -> dict[str, tuple[object, int]]:
    """``标签：值`` in one cell, several in one cell, or a label cell then a value cell;
    each value with the row it was found on."""
    if not contract.metadata:
        return {}
    labels = {normalize_text(f.header): f for f in contract.metadata}
    for f in contract.metadata:
        for alias in f.header_aliases:
            labels[normalize_text(alias)] = f
    found: dict[str, tuple[object, int]] = {}
    # One cell may carry several "标签：值" pairs separated by spaces.
    pair_re = re.compile(
        "(" + "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True)) + r"):"
    )
    for row_no in sheet.grid.index:
        if row_no >= header_row:
            break
        cells = list(sheet.grid.loc[row_no])
        for i, cell in enumerate(cells):
            if cell is None or cell == "":
                continue
            if isinstance(cell, str):
                text = normalize_text(cell)
                bare = text.rstrip(":")
                if bare in labels and (text == bare or text.endswith(":")):
                    value = next((c for c in cells[i + 1 :] if c not in (None, "")), None)
                    found.setdefault(labels[bare].name, (value, row_no))
                    continue
                parts = pair_re.split(text)
                # parts = [before, label1, value1, label2, value2, ...]
                for label, value in zip(parts[1::2], parts[2::2], strict=True):
                    if value:
                        found.setdefault(labels[label].name, (value, row_no))
    return found


def sheets_with_header(sheets: list[Sheet], contract: Contract) -> list[tuple[Sheet, tuple]]:
    """The visible sheets holding the contract's header row, with the row and positions.

    Hidden sheets are not read: templates keep drop-down lists or last month's copy there,
    and what a unit hands in is what it sees. Data found only on a hidden sheet is refused
    with a reason that says so, rather than ignored.
    """
    found = [(s, find_header(s, contract)) for s in sheets if not s.hidden]
    found = [(s, h) for s, h in found if h is not None]
    if found:
        return found
    hidden = [s.name for s in sheets if s.hidden and find_header(s, contract) is not None]
    if hidden:
        raise FileRejected(f"数据在隐藏的工作表“{'、'.join(hidden)}”中，隐藏的工作表不读取：请取消隐藏"
                           "（右键点击工作表标签 → 取消隐藏）或把数据复制到可见的工作表后重新提交", hidden[0])
    names = "、".join(f.header for f in required_headers(contract))
    raise FileRejected(f"前{HEADER_SCAN_ROWS}行内找不到表头（必需列：{names}）")
