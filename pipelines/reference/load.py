"""Everything reference data contributes to a build, read once per asset from the store."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.fingerprint import files_digest
from pipelines.reference.calendar import OVERRIDE_FILE, WorkingCalendar
from pipelines.reference.names import normalize_text
from pipelines.reference.store import ReferenceStore
from pipelines.reference.units import UnitRegistry, load_registry
from pipelines.settings import Settings


@dataclass
class DivisionReference:
    """A division's reference folder and unit registry (None for an unknown county)."""

    division: str
    registry: UnitRegistry | None
    folder: Path | None


def store_for(settings: Settings) -> ReferenceStore:
    """The reference store of a data directory (its own files first, then the shipped ones)."""
    return ReferenceStore(settings.reference_dir)


def divisions(settings: Settings) -> list[str]:
    """Divisions a build covers: every drop zone under raw/, plus the data directory's own
    reference folders (so a county with reference data but no files yet still has a plan)."""
    own = []
    if settings.reference_dir.is_dir():
        own = [p.parent.name for p in settings.reference_dir.glob("*/division.json")]
    return sorted(set(settings.divisions()) | set(own))


def load_division(store: ReferenceStore, division: str) -> DivisionReference:
    """Folder and registry of one division; an unknown division has None, never an error."""
    folder = store.division_dir(division)
    if folder is None:
        return DivisionReference(division, None, None)
    return DivisionReference(division, load_registry(folder), folder)


def read_csv_rows(path: Path) -> list[dict[str, str | None]]:
    """A small reference CSV as rows of stripped strings (empty cells → None)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: ((v or "").strip() or None) for k, v in row.items()} for row in csv.DictReader(fh)]


def read_csv_table(path: Path) -> pd.DataFrame:
    """A small reference CSV as a frame of strings (empty cells → None)."""
    return pd.DataFrame(read_csv_rows(path))


def load_calendar(store: ReferenceStore) -> WorkingCalendar:
    """The working-day calendar with the office's overrides."""
    return WorkingCalendar.from_file(store.find(OVERRIDE_FILE))


def outcome_vocabulary(store: ReferenceStore) -> dict[str, str]:
    """Every template's 办理结果 words, keyed by their normalised spellings.

    Units write the group separator as ``-``, full-width ``－`` or ``：``; all are accepted.
    """
    table = read_csv_table(store.require("templates/outcomes.csv"))
    vocab: dict[str, str] = {}
    for word in table["outcome"]:
        for spelling in (word, word.replace("-", "：")):
            vocab[normalize_text(spelling)] = word
    return vocab


def event_dates(store: ReferenceStore, division: str) -> pd.DataFrame:
    """Dates of the events a plan refers to (e.g. the county's two sessions closing)."""
    path = store.find(f"{division}/events.csv")
    if path is None:
        return pd.DataFrame(columns=["division", "year", "event", "event_on", "note"])
    frame = read_csv_table(path)
    return pd.DataFrame({
        "division": division,
        "year": frame["year"].astype(int),
        "event": frame["event"],
        "event_on": frame["date"].map(date.fromisoformat),
        "note": frame.get("note"),
    })


# Files every division's build reads from the shared part of the reference store.
SHARED_REFERENCE = (OVERRIDE_FILE, "request-rules.csv", "disclosure-timeliness.csv")


def reference_digest(store: ReferenceStore, division: str) -> str:
    """Digest of every reference file a division's build reads (its own folder, the shared
    rules, the report templates), as the store resolves them."""
    paths = [store.find(name) for name in SHARED_REFERENCE]
    for folder in store.folders:
        paths += list((folder / "templates").glob("*"))
    own = store.division_dir(division)
    if own is not None:
        paths += [p for p in own.iterdir() if p.is_file()]
    return files_digest([p for p in paths if p is not None])
