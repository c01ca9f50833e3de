"""A period's forms folder, ``marts/forms/<division>/<period>/``, written whole from the
published marts: one ``<unit>.xlsx`` per unit with tasks, and the office's summary.

The folder is built beside its final place and swapped in with two renames
(``pipelines.atomic``), so a clerk copying forms out never sees half a period.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.atomic import new_partial, remove_leftovers, replace_folder
from pipelines.forms.model import SUMMARY_FILE, FormsBatch, load_forms
from pipelines.forms.summary import write_summary
from pipelines.forms.workbook import write_form
from pipelines.settings import Settings

FORMS_DIR = "forms"


@dataclass
class FormsResult:
    """What one run of the forms wrote."""

    division: str
    period: str
    folder: Path
    units: list[str]
    tasks: int
    summary: Path


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published marts (never the build's staging file)."""
    if not settings.db_path.exists():
        raise FileNotFoundError(f"找不到已发布的数据集市 {settings.db_path}，"
                                "请先构建（python -m pipelines build）")
    return duckdb.connect(str(settings.db_path), read_only=True)


def forms_folder(settings: Settings, division: str, period: str) -> Path:
    """``marts/forms/<division>/<period>/``."""
    return settings.marts_dir / FORMS_DIR / division / period


def write_batch(batch: FormsBatch, final: Path) -> Path:
    """Write every form of ``batch`` and the summary into ``final``, swapped in whole."""
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(final.parent)
    tmp = new_partial(final)
    try:
        for form in batch.forms:
            write_form(batch, form, tmp / form.file_name)
        write_summary(batch, tmp / SUMMARY_FILE)
        replace_folder(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def write_forms(settings: Settings, division: str, period: str) -> FormsResult:
    """Read the published marts and write the forms of ``division`` for ``period``."""
    con = open_published(settings)
    try:
        batch = load_forms(con, division, period)
    finally:
        con.close()
    folder = write_batch(batch, forms_folder(settings, division, period))
    return FormsResult(division, period, folder, [f.unit for f in batch.forms],
                       sum(len(f.rows) for f in batch.forms), folder / SUMMARY_FILE)
