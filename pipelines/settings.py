"""Where Gongkai reads and writes, and the date it judges "open" and "overdue" at.

Everything comes from the environment (marts.md): ``GONGKAI_DATA_DIR`` (default ``./data``)
and ``GONGKAI_AS_OF`` (default today), so the scheduler, the CLI, notebooks and tests all
agree on one layout without passing paths around. The limits on raw files of hostile size
(``GONGKAI_MAX_UNPACKED_MB``, ``GONGKAI_MAX_RETURN_ROWS``; raw-formats.md) come from there too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# The checkout (or installed tree) this code runs from: notebooks/, expectations/ and the
# shipped data/reference/ live beside the package.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("returns", "disclosures", "requests", "appeals", "activities", "facts")
DB_FILENAME = "gongkai.duckdb"


@dataclass(frozen=True)
class Settings:
    """Resolved locations of one data directory and the as-of date."""

    data_dir: Path
    as_of: date

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def reference_dir(self) -> Path:
        return self.data_dir / "reference"

    @property
    def marts_dir(self) -> Path:
        return self.data_dir / "marts"

    @property
    def db_path(self) -> Path:
        return self.marts_dir / DB_FILENAME

    @property
    def divisions_dir(self) -> Path:
        """Where each division's published database lives (the parts of ``gongkai.duckdb``)."""
        return self.marts_dir / "divisions"

    def division_db(self, division: str) -> Path:
        """The published database of one division."""
        return self.divisions_dir / f"{division}.duckdb"

    def divisions(self) -> list[str]:
        """Division codes that have a drop zone under ``raw/`` (6-digit folder names)."""
        if not self.raw_dir.is_dir():
            return []
        return sorted(
            p.name for p in self.raw_dir.iterdir() if p.is_dir() and p.name.isdigit()
        )


def parse_as_of(text: str | None) -> date:
    """Parse ``GONGKAI_AS_OF``; a malformed value is an error, not a silent 'today'."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(f"GONGKAI_AS_OF 应为 YYYY-MM-DD 格式的日期，收到：{text!r}") from exc


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment (``os.environ`` by default)."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("GONGKAI_DATA_DIR") or "data").expanduser().resolve()
    return Settings(data_dir=data_dir, as_of=parse_as_of(env.get("GONGKAI_AS_OF")))


# Raw files past these are refused whole (raw-formats.md, "Limits"). Measured: reading a
# workbook that unpacks to 200 MB peaks at about 650 MB, well inside the 2 GB of a build.
DEFAULT_MAX_UNPACKED_MB = 200
DEFAULT_MAX_RETURN_ROWS = 500
LIMIT_VARIABLES = {"max_unpacked_mb": "GONGKAI_MAX_UNPACKED_MB", "max_return_rows": "GONGKAI_MAX_RETURN_ROWS"}


@dataclass(frozen=True)
class Limits:
    """How large a raw file may be before it is refused whole, with the reason naming the limit."""

    max_unpacked_mb: int = DEFAULT_MAX_UNPACKED_MB
    max_return_rows: int = DEFAULT_MAX_RETURN_ROWS

    @property
    def max_unpacked_bytes(self) -> int:
        """The unpacked-size limit in bytes."""
        return self.max_unpacked_mb * 1024 * 1024


# DuckDB would otherwise take 80 % of the machine's memory for one build's hash tables (a
# 1,000,000-row ledger reached 8 GB); with a limit it spills to disk beside the staging file.
# Measured on that ledger: a 1024 MB limit peaked at 2,262 MB for the build process, 512 MB at
# 1,865 MB, inside the 2 GB a build may take.
DEFAULT_DUCKDB_MEMORY_MB = 512
DUCKDB_MEMORY_VARIABLE = "GONGKAI_DUCKDB_MEMORY_MB"


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(f"{name} 应为正整数，收到：{text!r}")
    return int(text)


def load_limits(environ: Mapping[str, str] | None = None) -> Limits:
    """Read the limits from the environment (``os.environ`` by default); unset means the default."""
    env = os.environ if environ is None else environ
    return Limits(
        max_unpacked_mb=_positive_int(env, LIMIT_VARIABLES["max_unpacked_mb"], DEFAULT_MAX_UNPACKED_MB),
        max_return_rows=_positive_int(env, LIMIT_VARIABLES["max_return_rows"], DEFAULT_MAX_RETURN_ROWS),
    )


def duckdb_memory_mb(environ: Mapping[str, str] | None = None) -> int:
    """The memory one build's DuckDB may use before it spills to disk (``GONGKAI_DUCKDB_MEMORY_MB``)."""
    env = os.environ if environ is None else environ
    return _positive_int(env, DUCKDB_MEMORY_VARIABLE, DEFAULT_DUCKDB_MEMORY_MB)


# How often the file sensors look at the drop zone: a file waits at most this long before its
# run is queued. An office may look less often; a test drops a file and waits for the tick.
DEFAULT_SENSOR_INTERVAL_SECONDS = 15
SENSOR_INTERVAL_VARIABLE = "GONGKAI_SENSOR_INTERVAL_SECONDS"


def sensor_interval_seconds(environ: Mapping[str, str] | None = None) -> int:
    """Seconds between two looks of a file sensor (``GONGKAI_SENSOR_INTERVAL_SECONDS``, read when
    the code location loads)."""
    env = os.environ if environ is None else environ
    return _positive_int(env, SENSOR_INTERVAL_VARIABLE, DEFAULT_SENSOR_INTERVAL_SECONDS)
