"""Database connections of an HTTP request: one per request on the primary, reused by the same
thread across requests, and lag-tolerant reads that a read replica may serve.

Each worker thread keeps its own connections between requests (never shared across threads),
so a request does not pay a connect, and a database restart costs one failed request and one
reconnect. A lag-tolerant read (shared.read_replica) goes to the replica while the app's
router says it keeps up, and to the primary otherwise or when the replica fails mid-read: the
user sees an answer either way.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pymysql
from flask import Flask, current_app, g

from shared import db
from shared.config import MySQLServer, Settings
from shared.read_replica import (
    PRIMARY,
    REPLICA,
    REPLICA_CONNECT_TIMEOUT_SECONDS,
    REPLICA_ERRORS,
    ReplicaRouter,
    is_lag_tolerant,
)
from shared.worker import close_quietly

log = logging.getLogger(__name__)

ROUTER_EXTENSION = "edquill_replica_router"
# A connection idle longer than this is pinged before use (the server may have closed it);
# a busy one is not, so a request does not pay a round trip for the check. A connection that
# fails mid-request is dropped by the error handler, and the next request connects afresh.
IDLE_PING_SECONDS = 10.0

_local = threading.local()
Answer = TypeVar("Answer")


def request_db(service: str) -> pymysql.connections.Connection:
    """This request's connection to the service's database on the primary."""
    if "edquill_db" in g:
        return g.edquill_db
    settings: Settings = current_app.config["EDQUILL_SETTINGS"]
    g.edquill_db = _thread_connection(settings, service, settings.mysql_url, settings.mysql)
    return g.edquill_db


def install_read_replica(app: Flask, service: str) -> None:
    """Let the app's lag-tolerant reads use EDQUILL_MYSQL_REPLICA_URL, when one is set: called
    by each service's composition root. Nothing connects until a read asks."""
    router = ReplicaRouter.for_settings(app.config["EDQUILL_SETTINGS"], service)
    if router is not None:
        app.extensions[ROUTER_EXTENSION] = router


def lag_tolerant_read(service: str, use_case: Callable[..., Answer], *args, **kwargs) -> Answer:
    """`use_case(connection, *args, **kwargs)` on the replica when it keeps up, else (or when
    it fails mid-read) on the primary. Only a use case marked @lag_tolerant may be routed."""
    if not is_lag_tolerant(use_case):
        raise TypeError(f"{use_case.__qualname__} is not marked @lag_tolerant")
    router: ReplicaRouter | None = current_app.extensions.get(ROUTER_EXTENSION)
    if router is not None and router.replica_usable():
        settings: Settings = current_app.config["EDQUILL_SETTINGS"]
        replica = settings.mysql_replica
        try:
            connection = _thread_connection(
                settings,
                service,
                settings.mysql_replica_url,
                replica,
                REPLICA_CONNECT_TIMEOUT_SECONDS,
            )
            answer = use_case(connection, *args, **kwargs)
        except REPLICA_ERRORS as exc:
            _drop_thread_connection(settings.mysql_replica_url, settings.database(service))
            router.replica_failed(exc)
        else:
            router.served(REPLICA)
            return answer
    answer = use_case(request_db(service), *args, **kwargs)
    if router is not None:
        router.served(PRIMARY)
    return answer


def _thread_connection(
    settings: Settings,
    service: str,
    server_url: str,
    server: MySQLServer,
    connect_timeout: float = db.CONNECT_TIMEOUT_SECONDS,
) -> pymysql.connections.Connection:
    connections = _thread_connections()
    # Keyed by where it leads, not by app: apps of one process may come and go (tests), and a
    # connection is interchangeable between apps of the same server and database.
    key = (server_url, settings.database(service))
    connection, last_used = connections.get(key, (None, 0.0))
    if connection is not None and time.monotonic() - last_used > IDLE_PING_SECONDS:
        try:
            connection.ping(reconnect=False)
        except pymysql.err.Error:
            connection = None
    if connection is None:
        connection = db.connect(settings, service, server=server, connect_timeout=connect_timeout)
    connections[key] = (connection, time.monotonic())
    return connection


def _thread_connections() -> dict:
    connections = getattr(_local, "connections", None)
    if connections is None:
        connections = _local.connections = {}
    return connections


def _drop_thread_connection(server_url: str, database: str) -> None:
    connection, _last_used = _thread_connections().pop((server_url, database), (None, 0.0))
    close_quietly(connection)


def drop_thread_connections() -> None:
    """Forget this thread's connections (after one failed: the server may have gone)."""
    for connection, _last_used in _thread_connections().values():
        close_quietly(connection)
    _thread_connections().clear()


def release_request_db(_exc=None) -> None:
    connection = g.pop("edquill_db", None)
    if connection is not None and connection.get_autocommit() is False:
        connection.rollback()
        connection.autocommit(True)
