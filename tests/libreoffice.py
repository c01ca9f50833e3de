"""LibreOffice headless for the tests: files as a real office suite writes them.

``soffice`` is slow to start, so every conversion passes many files to one invocation. Each
invocation gets its own throw-away user profile, so tests never touch (or wait on) a desktop
user's LibreOffice. Without LibreOffice a test skips, naming the package; with ``CI=true`` it
fails instead (the rule of ``system.require``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from python_calamine import CalamineWorkbook
from system import require

from pipelines.ingest.contracts import RETURNS

# CSV export: comma, double quote, character set 85 = GB18030 (RTL_TEXTENCODING_GB_18030;
# checked: 𠀀 comes out as the four GB18030 bytes 95 32 82 36), from line 1, cells as shown.
CSV_GB18030 = "csv:Text - txt - csv (StarCalc):44,34,85,1,,0,false,true,true"
TIMEOUT = 600
# A return's column headings, as the contract spells them and as units may.
HEADERS = frozenset(h for f in RETURNS.fields for h in (f.header, *f.header_aliases))


def require_soffice() -> str:
    """The executable, or skip (fail under CI=true) with a message naming the package."""
    return require("libreoffice")


def convert(files: list[Path], target: str, outdir: Path, profile: Path) -> list[Path]:
    """Convert ``files`` with one ``soffice --headless --convert-to target`` call; return the
    converted files in the same order, each keeping its source's modification time."""
    exe = require_soffice()
    assert len({f.stem for f in files}) == len(files), "同一次转换的文件名不能重复"
    outdir.mkdir(parents=True, exist_ok=True)
    profile.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(profile)}
    done = subprocess.run(
        [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=TIMEOUT, env=env)
    suffix = "." + target.split(":")[0]
    out = [outdir / (f.stem + suffix) for f in files]
    missing = [p.name for p in out if not p.exists()]
    assert not missing, f"soffice 未生成 {missing[:5]}：{done.stdout[-2000:]}{done.stderr[-2000:]}"
    for src, dst in zip(files, out, strict=True):
        stat = src.stat()
        os.utime(dst, (stat.st_atime, stat.st_mtime))
    return out


def cell_kinds(path: Path, extra: set | frozenset = frozenset()) -> set[tuple]:
    """What of a return an office suite writes again: every sheet's header row as written (the
    first row naming one of a return's columns, ``HEADERS``), the type of every cell above it by position
    and below it by its column's header; with ``extra`` (say, the defects planted in it). The
    sheets are told apart by position (their names are among the kinds)."""
    book = CalamineWorkbook.from_path(str(path))
    kinds = set(extra)
    for n, name in enumerate(book.sheet_names):
        kinds.add(("sheet", n, name))
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        # a sheet with no such row (a list of choices) is described cell by cell
        head = next((i for i, row in enumerate(rows) if HEADERS & set(map(str, row))), len(rows))
        labels = rows[head] if head < len(rows) else []
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value == "":
                    continue
                if r < head:
                    kinds.add(("above", n, r, c, type(value).__name__))
                elif r == head:
                    kinds.add(("header", n, c, value))
                else:
                    kinds.add(("cell", n, labels[c] if c < len(labels) else c, type(value).__name__))
    return kinds


def fewest_covering(kinds: dict[str, set], covered: set | frozenset = frozenset()) -> set[str]:
    """Of the files ``kinds`` describes, a few that between them hold every kind the others do
    (beyond ``covered``), picked greedily and by name on a tie: what LibreOffice rewrites is
    cells, so each kind is converted once, not once per file that holds it."""
    covered = set(covered)
    wanted = set().union(*kinds.values()) - covered
    chosen: set[str] = set()
    while not wanted <= covered:
        best = max(sorted(kinds), key=lambda f: len(kinds[f] - covered))
        chosen.add(best)
        covered |= kinds[best]
    return chosen
