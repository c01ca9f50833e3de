"""A year's pack folder, written beside its final place and swapped in whole.

The pack owns a few entries of ``reports/<division>/<year>/``; anything else there (the
executed notebooks) belongs to someone else and is carried into the new folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pipelines.atomic import new_partial, remove_leftovers, replace_folder

CHARTS_DIR = "charts"
XLSX_FILE, DOCX_FILE, PAGE_FILE = "annual-report.xlsx", "annual-report.docx", "report.html"
PACK_ENTRIES = frozenset({XLSX_FILE, DOCX_FILE, PAGE_FILE, CHARTS_DIR})


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


def write_folder(final: Path, fill: Callable[[Path], None]) -> None:
    """Build the pack's entries of ``final`` in a partial folder (``fill`` writes them), carry
    the other entries over, and swap it in; on any error ``final`` is left as it was."""
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(final.parent)
    tmp = new_partial(final)
    try:
        fill(tmp)
        _keep_others(final, tmp)
        replace_folder(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
