"""Where reference files are found: the data directory's own, then the project's shipped copy.

A county keeps its reviewed files in ``$GONGKAI_DATA_DIR/reference``; a data directory made
elsewhere (a test's temp folder, a second county's drop zone) falls back to the reference data
shipped in this repository, so a bare ``raw/`` tree still builds.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.settings import PROJECT_ROOT

SHIPPED_REFERENCE = PROJECT_ROOT / "data" / "reference"


class ReferenceStore:
    """Looks a reference file up in an ordered list of folders; the first one that has it wins."""

    def __init__(self, *folders: Path) -> None:
        seen: list[Path] = []
        for folder in (*folders, SHIPPED_REFERENCE):
            resolved = Path(folder).resolve()
            if resolved not in seen:
                seen.append(resolved)
        self.folders = seen

    def find(self, relative: str) -> Path | None:
        """Path of the first folder's copy of ``relative``, or None."""
        for folder in self.folders:
            candidate = folder / relative
            if candidate.exists():
                return candidate
        return None

    def require(self, relative: str) -> Path:
        """Like ``find`` but a missing file is an error naming where it was looked for."""
        path = self.find(relative)
        if path is None:
            where = "、".join(str(f) for f in self.folders)
            raise FileNotFoundError(f"找不到参考数据文件 {relative}（已查找：{where}）")
        return path

    def division_dir(self, division: str) -> Path | None:
        """The reference folder of a division (one with ``division.json``), or None."""
        path = self.find(f"{division}/division.json")
        return path.parent if path else None
