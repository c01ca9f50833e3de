"""The documented switch to PostgreSQL storage: a local PostgreSQL started by the test, the
instance of deploy/dagster-postgres.yaml, and a build whose run history lands there."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
from conftest import READ_INTO_MARTS, return_rows, write_xlsx
from system import postgres_bin, require

from pipelines.build import build_division

ROOT = Path(__file__).resolve().parents[1]


def pg_bin(name: str) -> str:
    return postgres_bin(name)


def as_postgres_user(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root (CI runs as root).
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture
def postgres():
    require("postgresql")
    # Outside pytest's tmp tree: that is private to root, and the server runs as `postgres`.
    root = Path(tempfile.mkdtemp(prefix="gongkai-pg-"))
    data = root / "pgdata"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        as_postgres_user([pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "dagster", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        as_postgres_user(
            [
                pg_bin("pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(data / "log"),
                "-o",
                f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg2.connect(host="127.0.0.1", port=port, user="dagster", dbname="postgres").close()
                break
            except psycopg2.OperationalError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        con = psycopg2.connect(host="127.0.0.1", port=port, user="dagster", dbname="postgres")
        con.autocommit = True
        con.cursor().execute("CREATE DATABASE dagster")
        con.close()
        yield port
    finally:
        subprocess.run(
            as_postgres_user([pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def test_build_with_postgres_run_storage(postgres, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster-postgres.yaml", home / "dagster.yaml")
    for key, value in {
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": str(postgres),
        "DAGSTER_PG_USER": "dagster",
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_DB": "dagster",
        "DAGSTER_HOME": str(home),
    }.items():
        monkeypatch.setenv(key, value)
    data_dir = tmp_path / "data"
    write_xlsx(
        data_dir / "raw" / "640521" / "returns" / "r.xlsx",
        return_rows("县财政局", "2018-07", "2018-08-03", [["1.1.1", "x", "推进中", None, None, None, None]]),
    )
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        # the run history is the subject, not the checks or the tables computed from the marts
        result = build_division("640521", instance, data_dir=str(data_dir), as_of="2018-12-31",
                                selection=READ_INTO_MARTS)
        assert result.success
        assert instance.get_run_by_id(result.run_id).is_success
    con = psycopg2.connect(host="127.0.0.1", port=postgres, user="dagster", dbname="dagster")
    cur = con.cursor()
    cur.execute("SELECT count(*) FROM runs WHERE run_id = %s", (result.run_id,))
    assert cur.fetchone()[0] == 1
    cur.execute(
        "SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
        (result.run_id,),
    )
    # every materialization of the run, and only those, is in PostgreSQL's event log
    materialized = result.get_asset_materialization_events()
    assert materialized and cur.fetchone()[0] == len(materialized)
    con.close()
