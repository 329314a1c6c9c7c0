"""A MariaDB server of a test's own, with the binary log on as deploy/mysql/edquill.cnf turns
it on: the shared server's settings are not ours to change. Started by devtools.local_mariadb
(what `edquill replica` runs its replica with); its data lives in a temporary folder and goes
with it, whatever the test did."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from devtools.local_mariadb import (
    BINLOG_BASENAME,
    LocalServer,
    LocalServerError,
    program_path,
    start_local_server,
    stop_local_server,
)
from devtools.ports import free_port

__all__ = ["BINLOG_BASENAME", "binlog_server", "private_folder"]


@contextmanager
def private_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder the server's own user can enter (pytest's tmp_path is root's only),
    removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def binlog_server(server_id: int = 1) -> Iterator[tuple[str, Path]]:
    """(mysql URL, data directory) of a private server with log_bin, row format."""
    try:
        for program in ("mariadb-install-db", "mariadbd", "mysqlbinlog"):
            program_path(program)
    except LocalServerError as exc:
        pytest.skip(str(exc))
    with private_folder("edquill-binlog-") as folder:
        server = LocalServer(folder / "server", free_port(), server_id, binary_log=True)
        try:
            start_local_server(server)
            yield server.url, server.datadir
        finally:
            stop_local_server(server)
