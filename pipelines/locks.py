"""Advisory file locks between processes: one build per division, one rewrite of the
province view at a time. The kernel releases a lock when its process dies, so a killed build
never leaves a stale lock behind."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_WAIT_SECONDS = 1800


class LockTimeout(RuntimeError):
    """Another process held the lock longer than we were willing to wait."""


@contextmanager
def file_lock(path: Path, log=None, waiting: str = "另一个构建正在进行",
              wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[bool]:
    """Hold an exclusive lock on ``path``; yields whether we had to wait for it. While
    waiting, says so once (``log.info``) in the words of ``waiting``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        deadline = time.monotonic() + wait_seconds
        waited = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(f"{waiting}（{path} 被占用超过 {wait_seconds:.0f} 秒）") from None
                if log is not None and not waited:
                    log.info(f"{waiting}，等待其完成……")
                waited = True
                time.sleep(0.2)
        try:
            yield waited
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
