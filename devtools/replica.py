"""`edquill replica start|stop|status`: a read replica of the primary on a developer's machine.

A second mariadbd (devtools.local_mariadb) on its own port and data folder, seeded from the
primary with `mariadb-dump --single-transaction --gtid --master-data=2` and replicating from
it with GTIDs (MASTER_USE_GTID=slave_pos). A dump, rather than mariabackup, because it needs
only an SQL connection to the primary: no access to the primary's files, which may be on
another host or in a container. Every database but the server's own is copied, since the
primary's binary log replicates the whole server.

`start` prints the replica's URL as its last line: set EDQUILL_MYSQL_REPLICA_URL to it.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import click

from devtools.local_mariadb import (
    START_TIMEOUT_SECONDS,
    LocalServer,
    LocalServerError,
    program_path,
    running_pid,
    start_local_server,
    stop_local_server,
)
from shared import db
from shared.config import MySQLServer, Settings
from shared.paths import ROOT
from shared.read_replica import replica_lag_seconds

DEFAULT_FOLDER = ROOT / "var" / "replica"
DEFAULT_PORT = 3307
# The server's own databases: each server keeps its own, they are not copied.
SYSTEM_DATABASES = frozenset({"mysql", "information_schema", "performance_schema", "sys"})
# Written once the replica holds the primary's data: a restart resumes, never re-seeds.
SEEDED_MARKER = "seeded"
# Where mariadb-dump --gtid --master-data=2 states the GTID position of its snapshot.
GTID_POSITION = re.compile(r"^-- SET GLOBAL gtid_slave_pos='([0-9,\-]*)';", re.MULTILINE)

folder_option = click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FOLDER,
    show_default=True,
    help="the replica's data folder, socket, pid and log files",
)
port_option = click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT)


@click.group("replica")
def replica_command() -> None:
    """A local read replica of EDQUILL_MYSQL_URL (docs/runbook.md, read replicas)."""


@replica_command.command("start")
@folder_option
@port_option
@click.option("--primary-url", help="the primary to replicate (default: EDQUILL_MYSQL_URL)")
@click.pass_obj
def start(settings: Settings, folder: Path, port: int, primary_url: str | None) -> None:
    """Start the replica (seeding it from the primary the first time) and print its URL."""
    primary = MySQLServer.from_url(primary_url or settings.mysql_url, "--primary-url")
    primary_id = _binary_log_server_id(primary)
    replica = LocalServer(folder.resolve(), port, server_id=primary_id + 1, read_only=True)
    try:
        start_local_server(replica)
    except LocalServerError as exc:
        raise click.ClickException(str(exc)) from None
    if not (replica.folder / SEEDED_MARKER).exists():
        position = _seed(primary, replica)
        _replicate_from(primary, replica, position)
        (replica.folder / SEEDED_MARKER).write_text(position + "\n")
    _wait_replicating(replica)
    click.echo(replica.url)


@replica_command.command("stop")
@folder_option
def stop(folder: Path) -> None:
    """Stop the replica (its data stays: `start` resumes replicating)."""
    stopped = stop_local_server(LocalServer(folder.resolve(), DEFAULT_PORT, server_id=0))
    click.echo("stopped" if stopped else "not running")


@replica_command.command("status")
@folder_option
@port_option
def status(folder: Path, port: int) -> None:
    """Whether the replica runs and replicates, and how far behind it is."""
    replica = LocalServer(folder.resolve(), port, server_id=0)
    if running_pid(replica) is None:
        raise click.ClickException(f"no replica runs from {replica.folder}")
    row = _slave_status(replica)
    lag = replica_lag_seconds(row)
    click.echo(f"io thread: {row.get('Slave_IO_Running') if row else 'none'}")
    click.echo(f"sql thread: {row.get('Slave_SQL_Running') if row else 'none'}")
    click.echo(f"seconds behind: {'unknown' if lag is None else int(lag)}")
    click.echo(f"gtid position: {row.get('Gtid_IO_Pos') if row else ''}")
    click.echo(replica.url)


def _binary_log_server_id(primary: MySQLServer) -> int:
    with _connection(primary) as cursor:
        cursor.execute("SELECT @@log_bin AS log_bin, @@server_id AS server_id")
        row = cursor.fetchone()
    if not row["log_bin"]:
        raise click.ClickException(
            f"the primary on {primary.host}:{primary.port} has no binary log: replication needs "
            "log_bin and a server_id (deploy/mysql/edquill.cnf)"
        )
    return int(row["server_id"])


def _seed(primary: MySQLServer, replica: LocalServer) -> str:
    """Copy the primary's databases into the replica: the GTID position of the copy."""
    with _connection(primary) as cursor:
        cursor.execute("SHOW DATABASES")
        databases = [row["Database"] for row in cursor if row["Database"] not in SYSTEM_DATABASES]
        if not databases:  # nothing to copy: replicate from where the binary log stands now
            cursor.execute("SELECT @@gtid_binlog_pos AS position")
            return cursor.fetchone()["position"]
    dump_file = replica.folder / "seed.sql"
    with dump_file.open("w") as out:
        _run(
            [
                program_path("mariadb-dump"),
                f"--host={primary.host}",
                f"--port={primary.port}",
                f"--user={primary.user}",
                # One consistent snapshot, and the GTID position it stands at (as a comment).
                "--single-transaction",
                "--gtid",
                "--master-data=2",
                "--triggers",
                "--routines",
                "--events",
                "--databases",
                *databases,
            ],
            primary,
            stdout=out,
        )
    text = dump_file.read_text()
    found = GTID_POSITION.search(text)
    if found is None:
        raise click.ClickException("mariadb-dump gave no GTID position: is the primary MariaDB?")
    with dump_file.open() as dump:
        _run(
            [program_path("mariadb"), f"--socket={replica.socket}", "--user=root"], None, stdin=dump
        )
    dump_file.unlink()
    return found.group(1)


def _replicate_from(primary: MySQLServer, replica: LocalServer, position: str) -> None:
    with _connection(_local(replica)) as cursor:
        cursor.execute("STOP SLAVE")
        cursor.execute("SET GLOBAL gtid_slave_pos = %s", (position,))
        cursor.execute(
            "CHANGE MASTER TO MASTER_HOST = %s, MASTER_PORT = %s, MASTER_USER = %s, "
            "MASTER_PASSWORD = %s, MASTER_USE_GTID = slave_pos",
            (primary.host, primary.port, primary.user, primary.password),
        )
        cursor.execute("START SLAVE")


def _wait_replicating(replica: LocalServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while replica_lag_seconds(_slave_status(replica)) is None:
        if time.monotonic() > deadline:
            row = _slave_status(replica) or {}
            raise click.ClickException(
                "the replica does not replicate: "
                f"{row.get('Last_IO_Error') or row.get('Last_SQL_Error') or 'no slave status'}"
            )
        time.sleep(0.2)


def _slave_status(replica: LocalServer) -> dict | None:
    with _connection(_local(replica)) as cursor:
        cursor.execute("SHOW SLAVE STATUS")
        return cursor.fetchone()


@contextmanager
def _connection(server: MySQLServer):
    """A cursor on `server`'s own session (no database), closed at the end of the block."""
    connection = db.connect(Settings(), server=server)
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def _run(command: list[str], server: MySQLServer | None, **streams) -> None:
    # The password goes in the environment, never in the arguments `ps` shows.
    env = {**os.environ, **({"MYSQL_PWD": server.password} if server and server.password else {})}
    completed = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True, **streams)
    if completed.returncode != 0:
        name = Path(command[0]).name
        raise click.ClickException(f"{name} failed: {completed.stderr.strip()[-300:]}")


def _local(replica: LocalServer) -> MySQLServer:
    return MySQLServer.from_url(replica.url)
