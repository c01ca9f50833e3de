"""The files of a division's drop zones, as the build, the sensors and the up-to-date check
see them: a stable order, office lock files skipped, each with its content hash."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.reader import sha256_of
from pipelines.settings import SOURCES, Settings


@dataclass(frozen=True)
class CurrentFile:
    """A file in the drop zone now: its name for records, its content hash, size and date."""

    path: Path
    display: str
    sha256: str
    size: int
    mtime: float


def source_files(settings: Settings, division: str, source: str) -> list[Path]:
    """Files of one drop zone, in a stable order; office lock files and hidden files skipped."""
    folder = settings.raw_dir / division / source
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith((".", "~$"))
    )


def current_files(settings: Settings, division: str, source: str) -> list[CurrentFile]:
    """Every file of one drop zone now, with its content hash."""
    out = []
    for path in source_files(settings, division, source):
        stat = path.stat()
        out.append(CurrentFile(path, path.relative_to(settings.data_dir).as_posix(), sha256_of(path),
                               stat.st_size, stat.st_mtime))
    return out


def raw_files(settings: Settings, division: str) -> list[tuple[str, str]]:
    """(name, content hash) of every raw file of a division, all sources."""
    return [(f.display, f.sha256) for source in SOURCES for f in current_files(settings, division, source)]
