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


# A wait for a run looks once a second: each look is GraphQL queries that the webserver
# answers on the cores the run itself needs.
RUN_LOOK_SECONDS = 1.0


def wait_for(predicate, timeout: float, what: str, step: float = 0.5):
    """Poll ``predicate`` until it returns something true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def use_project_instance(home: Path) -> None:
    """Make ``home`` a DAGSTER_HOME on the project's instance config (dagster.yaml)."""
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")


def marts_asset_keys() -> list:
    """The staging tables and marts up to their publication (``conftest.READ_INTO_MARTS``: not
    the tables computed from the marts alone, the pack, notebooks or forms), sorted: what the
    runs launched here select."""
    from conftest import READ_INTO_MARTS

    from pipelines.definitions import defs

    return sorted(READ_INTO_MARTS.resolve(defs.resolve_asset_graph()))


@contextmanager
def _service(name: str, argv: list[str], home: Path, data_dir: Path, as_of: str,
             env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, Path]]:
    """A Dagster service (``python -m <argv>``) on the project's instance config (dagster.yaml)
    and ``data_dir``, in its own process group, stopped with it: (process, its log)."""
    use_project_instance(home)
    env = {**os.environ, "DAGSTER_HOME": str(home), "GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_AS_OF": as_of,
           **(env or {})}
    log_path = home / f"{name}.log"
    log = log_path.open("w")
    # Its own process group: a backgrounded `dagster dev` ignores SIGTERM, and killing only the
    # parent leaves its children serving.
    # Ctrl-C restored: a shell starts background jobs (CI's, for one) ignoring SIGINT and every
    # process they start inherits that, so the service could not be stopped as a person stops
    # it (below) and sat out the SIGTERM wait instead.
    proc = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        yield proc, log_path
    finally:
        # Ctrl-C first, as a person stops it: `dagster dev` ignores SIGTERM (it sat out the
        # whole wait every time), but shuts its webserver, daemon and code server down on SIGINT.
        for sig, grace in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def _answering(proc: subprocess.Popen, log_path: Path, url: str) -> None:
    """Wait until the webserver at ``url`` answers; its exit fails at once, showing its log."""
    def up():
        if proc.poll() is not None:
            raise AssertionError(
                f"{log_path.stem} exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            return http.get(f"{url}/server_info", timeout=2).status_code == 200
        except http.RequestException:
            return False

    try:
        # A wait, not a speed test: a loaded machine may take minutes; an exit fails at once.
        wait_for(up, 300, f"{log_path.stem} to answer")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; its log so far:\n{log_path.read_text()[-3000:]}") from None


@contextmanager
def dagster_dev(home: Path, data_dir: Path, as_of: str, env: dict[str, str] | None = None
                ) -> Iterator[tuple[str, int]]:
    """``dagster dev`` (webserver and daemon) on ``data_dir``, with ``env`` added to its
    environment: yields (base URL, port). Its log is ``home/dev.log``; it is shown if it does
    not start."""
    port = free_port()
    argv = ["dagster", "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)]
    with _service("dev", argv, home, data_dir, as_of, env) as (proc, log_path):
        url = f"http://127.0.0.1:{port}"
        _answering(proc, log_path, url)
        yield url, port


@contextmanager
def dagster_webserver(home: Path, data_dir: Path, as_of: str) -> Iterator[str]:
    """The webserver alone, as a deployment runs it beside its daemon: yields its base URL.
    Its log is ``home/webserver.log``."""
    port = free_port()
    argv = ["dagster_webserver", "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)]
    with _service("webserver", argv, home, data_dir, as_of) as (proc, log_path):
        url = f"http://127.0.0.1:{port}"
        _answering(proc, log_path, url)
        yield url


@contextmanager
def dagster_daemon(home: Path, data_dir: Path, as_of: str) -> Iterator[Path]:
    """The daemon alone (schedules, sensors, the run queue, backfills): yields its log's path
    (``home/daemon.log``)."""
    argv = ["dagster._daemon", "run", "-m", "pipelines.definitions"]
    with _service("daemon", argv, home, data_dir, as_of) as (_, log_path):
        yield log_path


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    """One GraphQL request; fails on a transport or GraphQL error."""
    reply = http.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
    reply.raise_for_status()
    body = reply.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


EVERY_RUN = "query { runsOrError { ... on Runs { results { runId } } } }"
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
