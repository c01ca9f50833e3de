"""Digests that say whether anything changed: of the code, of reference files, of raw files.

A build, a parse, a pack or a notebook run is skipped when the digest of what it reads is
the one it was last made from. Digests are of content, never of modification times, so a
file copied in again with an old date is still seen, and a touched but unchanged one is not.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterable
from datetime import date
from functools import cache
from pathlib import Path

from pipelines.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "pipelines"


def digest(parts: Iterable[object]) -> str:
    """A short stable hex digest of several values (strings, bytes, JSON-able objects)."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str,
                                                                 ensure_ascii=False).encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:24]


def files_digest(paths: Iterable[Path]) -> str:
    """Digest of the contents of some files (a missing file counts as absent, not an error)."""
    parts: list[object] = []
    for path in sorted(Path(p) for p in paths):
        parts.append(str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else path.name)
        parts.append(path.read_bytes() if path.is_file() else b"<absent>")
    return digest(parts)


@cache
def code_digest(*packages: str) -> str:
    """Digest of the Python and SQL sources of some subpackages of ``pipelines`` (all: none given)."""
    roots = [PACKAGE / p.replace(".", "/") for p in packages] or [PACKAGE]
    files = []
    for root in roots:
        if root.with_suffix(".py").is_file():
            files.append(root.with_suffix(".py"))
        files += [p for p in root.rglob("*") if p.suffix in (".py", ".sql", ".j2", ".json")
                  and "__pycache__" not in p.parts]
    return files_digest(files)


@cache
def code_version() -> str:
    """The git commit of the checkout (``+dirty`` when it has changes), else the code digest."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "pipelines"],
                               cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{commit[:12]}+{code_digest()[:8]}" if dirty else commit[:12]
    except (OSError, subprocess.SubprocessError):
        return f"src-{code_digest()[:12]}"


def raw_digest(files: Iterable[tuple[str, str]]) -> str:
    """Digest of a division's raw files as (name, content hash) pairs, whatever their order."""
    return digest(sorted(files))


def inputs_digest(code: str, raw: str, reference: str, as_of: date) -> str:
    """What a division's published marts are a function of; equal digests mean nothing to do."""
    return digest([code, raw, reference, as_of.isoformat()])
