"""Writing files and folders so that a reader sees the old version or the new one, never half.

Every published artefact (a division's database, the assembled ``gongkai.duckdb``, a year's
pack folder, a notebook page) is written beside its final place and moved in with one
rename, then the folder entry is flushed, so a crash leaves the previous version whole.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries, so a rename into it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(new: Path, final: Path) -> None:
    """Move ``new`` over ``final`` atomically (same file system); readers keep the old inode."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(new, final)
    fsync_dir(final.parent)


def write_text(path: Path, text: str) -> None:
    """Write a text file through a temporary file and one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def replace_folder(new: Path, final: Path) -> None:
    """Put folder ``new`` in place of ``final`` with two renames.

    The old folder moves aside under a dot name, the new one takes its name, the old one is
    removed. A reader sees the old folder or the new one; a crash between the renames leaves
    the old folder aside (``remove_leftovers`` cleans it).
    """
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def new_partial(final: Path) -> Path:
    """An empty folder beside ``final`` to build its next version in."""
    tmp = final.with_name(f".{final.name}.partial-{uuid.uuid4().hex[:8]}")
    tmp.mkdir(parents=True)
    return tmp


def remove_leftovers(folder: Path) -> None:
    """Remove partial and set-aside folders a killed writer left in ``folder``."""
    for pattern in (".*.partial-*", ".*.old-*"):
        for stale in folder.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)
