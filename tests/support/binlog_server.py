"""A MariaDB server of a test's own, with the binary log on as deploy/mysql/edquill.cnf turns
it on: the shared server's settings are not ours to change. Its data lives in a temporary
folder and goes with it."""

from __future__ import annotations

import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pymysql
import pytest

from tests.support.tcp_proxy import free_port
from tests.support.waiting import wait_until

# A fresh data directory and a first start, on a busy 2-core machine.
START_TIMEOUT_SECONDS = 60
BINLOG_BASENAME = "edquill-bin"


@contextmanager
def binlog_server(folder: Path) -> Iterator[tuple[str, Path]]:
    """(mysql URL, data directory) of a private server with log_bin, row format."""
    install, server = shutil.which("mariadb-install-db"), shutil.which("mariadbd")
    if not (install and server and shutil.which("mysqlbinlog")):
        pytest.skip("mariadb-install-db, mariadbd and mysqlbinlog (mariadb-server) are needed")
    data = folder / "data"
    subprocess.run(
        [install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal"]
        + ["--skip-test-db", "--user=root"],
        check=True,
        capture_output=True,
        timeout=START_TIMEOUT_SECONDS,
    )
    port = free_port()
    process = subprocess.Popen(
        [
            server,
            "--no-defaults",
            f"--datadir={data}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            f"--socket={folder / 'mysqld.sock'}",
            "--user=root",
            f"--log-bin={BINLOG_BASENAME}",
            "--server-id=1",
            "--binlog-format=ROW",
            "--log-bin-trust-function-creators=1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _answers(port), START_TIMEOUT_SECONDS, what="the private MariaDB")
        yield f"mysql://root@127.0.0.1:{port}", data
    finally:
        process.terminate()
        process.wait(START_TIMEOUT_SECONDS)


def _answers(port: int) -> bool:
    try:
        pymysql.connect(host="127.0.0.1", port=port, user="root", connect_timeout=1).close()
        return True
    except pymysql.MySQLError:
        return False
