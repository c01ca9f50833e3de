"""System packages some tests need (Chromium, CJK fonts, PostgreSQL, LibreOffice), found in one
place and with one rule: when one is missing, a test that needs it fails naming the package if
``CI=true`` (a CI machine cannot pass by skipping), and skips naming it otherwise (the skip shows
in pytest's summary). ``scripts/install-system-deps.sh`` installs exactly these packages.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipelines.pack.png import find_browser

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "scripts/install-system-deps.sh"


def _chromium() -> str | None:
    # The pack's own lookup (BROWSER_PATH, chromium, chromium-browser, google-chrome …): the UI
    # test drives the browser the PNG charts are drawn with.
    return find_browser()


def _cjk_fonts() -> str | None:
    if not shutil.which("fc-list"):
        return None
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return listed.splitlines()[0] if listed.strip() else None


def postgres_bin(name: str) -> str | None:
    """A PostgreSQL server program (Debian keeps them off PATH, under /usr/lib/postgresql)."""
    return shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)


def _postgres() -> str | None:
    found = [postgres_bin(n) for n in ("initdb", "pg_ctl")]
    return found[0] if all(found) else None


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# name → (what finds it, the Debian package, what the tests use it for)
DEPENDENCIES = {
    "chromium": (_chromium, "chromium",
                 "PNG 图表与界面测试需要的 Chromium 浏览器（或 Google Chrome，BROWSER_PATH）"),
    "cjk-fonts": (_cjk_fonts, "fonts-noto-cjk", "图表中文字体（Noto CJK）"),
    "postgresql": (_postgres, "postgresql", "PostgreSQL（initdb、pg_ctl）"),
    "libreoffice": (_soffice, "libreoffice-calc-nogui", "LibreOffice Calc（命令 soffice）"),
}


def in_ci() -> bool:
    """Whether this run is CI's (``CI=true``), where nothing may be skipped for a missing package."""
    return os.environ.get("CI", "").lower() == "true"


def missing_message(name: str) -> str:
    """What to say when ``name`` is missing: the package and how to install it."""
    _, package, what = DEPENDENCIES[name]
    return f"缺少{what}：请以 root 运行 {INSTALL}，或 apt-get install {package}"


def require(name: str) -> str:
    """The dependency's path (or font family), or fail (``CI=true``) / skip, naming the package."""
    found = DEPENDENCIES[name][0]()
    if found:
        return found
    if in_ci():
        pytest.fail(missing_message(name))
    pytest.skip(missing_message(name))
