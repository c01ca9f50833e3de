"""A real ``dagster dev`` (webserver and daemon) on localhost, for the tests that drive the UI
or its GraphQL API, started in its own process group and stopped with it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests as http

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, step: float = 1.0):
    """Poll ``predicate`` until it returns something true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@contextmanager
def dagster_dev(home: Path, data_dir: Path, as_of: str) -> Iterator[tuple[str, int]]:
    """``dagster dev`` on the project's instance config (dagster.yaml) and ``data_dir``:
    yields (base URL, port). Its log is ``home/dev.log``; it is shown if it does not start."""
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_AS_OF": as_of}
    log_path = home / "dev.log"
    log = log_path.open("w")
    # Its own process group: a backgrounded `dagster dev` ignores SIGTERM, and killing only the
    # parent leaves its children serving.
    proc = subprocess.Popen(
        [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1",
         "-p", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            raise AssertionError(f"dagster dev exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            return http.get(f"{url}/server_info", timeout=2).status_code == 200
        except http.RequestException:
            return False

    try:
        try:
            # A wait, not a speed test: a loaded machine may take minutes; an exit fails at once.
            wait_for(up, 300, "dagster dev to answer")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; its log so far:\n{log_path.read_text()[-3000:]}") from None
        yield url, port
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    """One GraphQL request; fails on a transport or GraphQL error."""
    reply = http.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
    reply.raise_for_status()
    body = reply.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


FAILED_RUNS = """
query {
  runsOrError(filter: {statuses: [FAILURE, CANCELED]}) {
    ... on Runs { results { runId status tags { key value } } }
  }
}"""


def no_failed_runs(url: str, home: Path | None = None, file: str | None = None) -> None:
    """Fail at once, naming them, if a run of this ``dagster dev`` failed or was canceled (only
    the runs a sensor started for ``file``, if given): a wait for a run's outcome must not sit
    out its timeout when the run is already dead."""
    failed = graphql(url, FAILED_RUNS)["runsOrError"]["results"]
    if file is not None:
        failed = [r for r in failed if any(t["key"] == "gongkai/files" and file in t["value"]
                                           for t in r["tags"])]
    where = f"; see {home / 'dev.log'}" if home else ""
    assert not failed, f"runs failed: {failed}{where}"
