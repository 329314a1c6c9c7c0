"""The MySQL client tools a backup runs: mysqldump out of a database, mysql into one.

Both stream: a dump is read from mysqldump's pipe a chunk at a time, a restore is written
into mysql's stdin the same way, so neither holds a database in memory. The password reaches
the tools through MYSQL_PWD, never their command line (which `ps` shows to everyone).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from typing import BinaryIO, Iterator

import pymysql

from shared import db
from shared.backup_archive import CHUNK_BYTES, BackupError
from shared.config import Settings

# One consistent snapshot per database without locking the services out (InnoDB), with its
# triggers (the outbox depends on them) and routines; binary columns as hex so the dump is
# plain text; no tablespaces (MySQL 8 would ask for the PROCESS privilege).
DUMP_OPTIONS = (
    "--single-transaction",
    "--skip-lock-tables",
    "--triggers",
    "--routines",
    "--hex-blob",
    "--no-tablespaces",
)
# With the binary log on, the dump's head records the log position its snapshot was taken
# at, as a comment: where a point-in-time replay starts (docs/backups.md).
BINLOG_POSITION_OPTION = "--master-data=2"
BINLOG_POSITION = re.compile(rb"MASTER_LOG_FILE='([^']+)',\s*MASTER_LOG_POS=(\d+)")
# The binlog comment sits in the first few lines of the dump.
DUMP_HEAD_BYTES = 64 * 1024


def tool(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    raise BackupError(
        f"{' or '.join(names)} is not installed (Debian: apt-get install default-mysql-client)"
    )


def client_args(settings: Settings) -> tuple[list[str], dict]:
    server = settings.mysql
    env = dict(os.environ, MYSQL_PWD=server.password)
    return [
        f"--host={server.host}",
        f"--port={server.port}",
        f"--user={server.user}",
        "--protocol=TCP",
        "--default-character-set=utf8mb4",
    ], env


def binary_log_is_on(settings: Settings) -> bool:
    with _server(settings) as cursor:
        cursor.execute("SELECT @@log_bin AS log_bin")
        return bool(int(cursor.fetchone()["log_bin"]))


def dump_chunks(settings: Settings, service: str, record_binlog: bool) -> Iterator[bytes]:
    """The service database's dump, chunk by chunk; raises BackupError if mysqldump fails."""
    args, env = client_args(settings)
    options = (*DUMP_OPTIONS, BINLOG_POSITION_OPTION) if record_binlog else DUMP_OPTIONS
    command = [tool("mysqldump", "mariadb-dump"), *args, *options, settings.database(service)]
    with tempfile.TemporaryFile() as errors:
        dump = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=errors)
        try:
            while chunk := dump.stdout.read(CHUNK_BYTES):
                yield chunk
        finally:
            dump.stdout.close()
            if dump.poll() is None:
                dump.kill()  # the archive failed: nothing is waiting for the rest
            dump.wait()
        if dump.returncode != 0:
            raise BackupError(f"dumping {settings.database(service)} failed: {_last(errors)}")


def binlog_position(dump_head: bytes) -> dict | None:
    """The binary log position a dump's head records (BINLOG_POSITION_OPTION), if any."""
    found = BINLOG_POSITION.search(dump_head[:DUMP_HEAD_BYTES])
    return {"file": found[1].decode(), "position": int(found[2])} if found else None


def load(settings: Settings, service: str, dump: BinaryIO) -> None:
    """Feed a dump into the service database through mysql's stdin; raises BackupError if
    mysql reports an error."""
    args, env = client_args(settings)
    command = [tool("mysql", "mariadb"), *args, "--binary-mode", settings.database(service)]
    with tempfile.TemporaryFile() as errors:
        client = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stderr=errors)
        try:
            while chunk := dump.read(CHUNK_BYTES):
                client.stdin.write(chunk)
        except BrokenPipeError:
            pass  # mysql stopped at an error: its exit code and stderr say which
        finally:
            _close_quietly(client.stdin)  # mysql must see the end, even of a failed read
            returncode = client.wait()
        if returncode != 0:
            raise BackupError(f"restoring {settings.database(service)} failed: {_last(errors)}")


def _close_quietly(pipe: BinaryIO) -> None:
    try:
        pipe.close()
    except BrokenPipeError:
        pass


def tables_in(settings: Settings, service: str) -> int:
    """How many tables (and views) the service database holds; 0 when it does not exist."""
    with _server(settings) as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS tables FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s",
            (settings.database(service),),
        )
        return cursor.fetchone()["tables"]


@contextmanager
def _server(settings: Settings) -> Iterator:
    """A cursor on the server itself (no database), closed with its connection."""
    try:
        connection = db.connect(settings)
    except pymysql.MySQLError as exc:  # its text is the server's one-line reason
        raise BackupError(f"cannot reach the database server: {exc}") from None
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def _last(errors: BinaryIO) -> str:
    """The last line a client tool wrote to stderr: the one naming what went wrong."""
    errors.seek(0)
    lines = [line.strip() for line in errors.read().decode(errors="replace").splitlines()]
    return next((line for line in reversed(lines) if line), "no message")
