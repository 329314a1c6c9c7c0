"""MySQL connections: one factory, UTC sessions, and a transaction scope.

Connections are opened by whoever needs one (a request, a worker loop), never at import.
All times in the databases are UTC, so every session pins its time zone.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

import pymysql
import pymysql.cursors

from shared.config import MySQLServer, Settings

# Seconds to wait for the server before a connect attempt counts as failed: long enough for a
# busy server, short enough that a worker notices an outage and backs off.
CONNECT_TIMEOUT_SECONDS = 5


def placeholders(count: int) -> str:
    """ "%s, %s, %s" for a parameterised `IN (...)` or `VALUES (...)` list of `count` values.

    MySQL has no empty list: a caller with nothing to ask must not ask, so 0 raises."""
    if count < 1:
        raise ValueError("an IN or VALUES list needs at least one value")
    return ", ".join(["%s"] * count)


def row_placeholders(count: int, width: int = 2) -> str:
    """ "(%s, %s), (%s, %s)" for a row-constructor `(a, b) IN (...)` of `count` rows, so one
    statement asks for the keys of every school a batch touches. MySQL 5.7 and MariaDB both
    read a row-constructor IN of constants as ranges of the index that starts with (a, b)."""
    if count < 1:
        raise ValueError("an IN list needs at least one row")
    row = f"({', '.join(['%s'] * width)})"
    return ", ".join([row] * count)


def connect(
    settings: Settings,
    service: str | None = None,
    *,
    dict_rows: bool = True,
    autocommit: bool = True,
    server: MySQLServer | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
) -> pymysql.connections.Connection:
    """A new connection to `service`'s database (or to the server when service is None), on
    the primary unless another `server` (a read replica) is named."""
    server = server or settings.mysql
    return pymysql.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        database=settings.database(service) if service else None,
        charset="utf8mb4",
        autocommit=autocommit,
        connect_timeout=connect_timeout,
        cursorclass=pymysql.cursors.DictCursor if dict_rows else pymysql.cursors.Cursor,
        init_command="SET time_zone = '+00:00'",
    )


@contextmanager
def transaction(connection: pymysql.connections.Connection) -> Iterator[pymysql.cursors.Cursor]:
    """Run the block in one transaction: commit when it ends, roll back when it raises."""
    connection.begin()
    try:
        with connection.cursor() as cursor:
            yield cursor
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


@contextmanager
def session_clock(connection: pymysql.connections.Connection, moment: datetime) -> Iterator[None]:
    """Run the block with the session's clock at `moment` (a UTC time, naive or aware).

    NOW(), UTC_TIMESTAMP() and every DEFAULT CURRENT_TIMESTAMP, in statements and in the
    triggers they fire, read the session's `timestamp` on MySQL 5.7 and MariaDB alike, so a
    change made here is dated as if it had happened then. The clock is given back after the
    block, whatever it raised: a pooled session must never keep a stopped clock.
    """
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    with connection.cursor() as cursor:
        cursor.execute("SET timestamp = %s", (aware.timestamp(),))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET timestamp = DEFAULT")


def ensure_database(settings: Settings, service: str) -> None:
    """Create the service's database when missing (utf8mb4, so names in any script fit)."""
    name = settings.database(service)
    connection = connect(settings)
    try:
        with connection.cursor() as cursor:
            # A database name cannot be a bound parameter; Settings.validate restricts the
            # prefix to [A-Za-z0-9_], so the quoted identifier below is safe.
            cursor.execute(
                f"CREATE DATABASE IF NOT EXISTS `{name}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
    finally:
        connection.close()


def drop_database(settings: Settings, service: str) -> None:
    name = settings.database(service)
    connection = connect(settings)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    finally:
        connection.close()
