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

from system import require

# CSV export: comma, double quote, character set 85 = GB18030 (RTL_TEXTENCODING_GB_18030;
# checked: 𠀀 comes out as the four GB18030 bytes 95 32 82 36), from line 1, cells as shown.
CSV_GB18030 = "csv:Text - txt - csv (StarCalc):44,34,85,1,,0,false,true,true"
TIMEOUT = 600


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
