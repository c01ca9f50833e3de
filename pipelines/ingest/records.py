"""The shapes the reader produces: typed staging rows, quarantine records, cell previews."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from pipelines.ingest.contracts import KIND_TYPES, Contract, Field

PREVIEW_CHARS = 40
QUARANTINE_COLUMNS = [
    "source", "division", "file", "sheet", "row_number", "column_name", "value_preview", "reason",
]


def preview(value: object, f: Field) -> str | None:
    """A cell as the quarantine shows it: cut short, and never personal information."""
    if f.kind == "pii":
        return "（个人信息，不显示）"
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def empty_rows(contract: Contract) -> pd.DataFrame:
    """A zero-row frame with the staging columns of a contract."""
    cols = [f.name for f in contract.stored_fields()] + ["_sheet", "_row"]
    if contract.source == "requests":
        cols.append("applicant_key")
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def empty_rejects() -> pd.DataFrame:
    """A zero-row quarantine frame."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in QUARANTINE_COLUMNS})


def file_rejection(source: str, division: str, display_name: str, exc: Exception) -> pd.DataFrame:
    """The one quarantine record of a file rejected whole (pointing at the cell to blame)."""
    return pd.DataFrame([{
        "source": source, "division": division, "file": display_name,
        "sheet": getattr(exc, "sheet", None), "row_number": getattr(exc, "row", None),
        "column_name": getattr(exc, "column", None), "value_preview": getattr(exc, "value", None),
        "reason": f"整个文件未导入：{exc}",
    }])[QUARANTINE_COLUMNS]


def staging_columns(contract: Contract) -> list[tuple[str, str]]:
    """(name, DuckDB type) of a source's staging table, in a fixed order."""
    cols = [(f.name, KIND_TYPES[f.kind]) for f in contract.stored_fields()]
    if contract.source == "requests":
        cols.append(("applicant_key", "VARCHAR"))
    return cols
