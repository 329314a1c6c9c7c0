"""The runtime every long-running worker shares: the outbox relay, every consumer and the
notifier's sender and scheduler.

It owns, once for all of them: the reconnect constants (the back-off rule itself, doubling to a
cap with jitter, is shared.backoff: pure, so domain rules may use it too), the pause that a
stop cuts short, closing a broken connection quietly, telling a transient database error from
a mistake, turning SIGTERM/SIGINT into a stop event, and the `edquill <service> worker` command
with its one metrics bind policy (EDQUILL_METRICS_HOST, `--metrics-port`).

A worker is anything with a `name` and a `run(stopping)` that returns soon after the
threading.Event `stopping` is set, having finished (or given back) the work in hand.
"""

from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Protocol, Sequence

import click
import pymysql
from prometheus_client import start_http_server

from shared.config import Settings
from shared.config_error import ConfigError

log = logging.getLogger(__name__)

# Reconnecting to a lost database or broker, or retrying after a failed round: quick after a
# blip, gentle during an outage.
RECONNECT_FIRST_DELAY = 0.2
RECONNECT_MAX_DELAY = 10.0

DATABASE_ERRORS = (pymysql.err.OperationalError, pymysql.err.InterfaceError)
# Lock conflicts: the statement was rolled back, the connection is fine, and the same
# statement on it may pass at once when tried again.
LOCK_CONFLICTS = frozenset(
    {
        1205,  # lock wait timeout
        1213,  # deadlock
    }
)
# Server errors that say "try again" rather than "the caller is wrong".
RETRYABLE_SERVER_ERRORS = LOCK_CONFLICTS | {
    1040,  # too many connections
    1053,  # server shutting down
    1927,  # connection killed (MariaDB)
}

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Worker(Protocol):
    name: str

    def run(self, stopping: threading.Event) -> None: ...


# -- waiting and stopping ----------------------------------------------------------------------


def pause(
    stopping: threading.Event,
    seconds: float,
    serve: Callable[[float], None] | None = None,
    step: float = 0.25,
) -> bool:
    """Wait `seconds`, returning at once when `stopping` is set; True if it was.

    `serve(step)` waits in slices instead, for a connection that must keep answering while
    its owner waits (a BlockingConnection's heartbeats): the stop is then seen within a step.
    """
    if serve is None:
        return stopping.wait(max(seconds, 0))
    remaining = seconds
    while remaining > 0 and not stopping.is_set():
        slice_ = min(remaining, step)
        serve(slice_)
        remaining -= slice_
    return stopping.is_set()


def _set_on_stop_signals(stopping: threading.Event, name: str) -> dict:
    """SIGTERM and SIGINT set `stopping` from now on; returns the handlers they had before.
    Main thread only: no other may install signal handlers."""

    def request_stop(signum, _frame) -> None:
        log.info(
            "%s: %s received, stopping after the work in hand", name, signal.Signals(signum).name
        )
        stopping.set()

    return {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}


@contextmanager
def stop_on_signals(stopping: threading.Event, name: str) -> Iterator[threading.Event]:
    """While inside, SIGTERM and SIGINT set `stopping`; the previous handlers come back after."""
    previous = _set_on_stop_signals(stopping, name)
    try:
        yield stopping
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop_event_on_signals(name: str) -> threading.Event:
    """A stop event that SIGTERM and SIGINT set for the rest of the process's life (a command
    that runs until stopped and then exits, such as `edquill up` or the mail sink)."""
    stopping = threading.Event()
    _set_on_stop_signals(stopping, name)
    return stopping


def run_until_signalled(worker: Worker) -> None:
    """Run a worker until SIGTERM or SIGINT sets its stop event (the `worker` commands); the
    work in hand is finished first."""
    with stop_on_signals(threading.Event(), worker.name) as stopping:
        worker.run(stopping)


# -- connections -------------------------------------------------------------------------------


def close_quietly(connection, *, errors: tuple[type[BaseException], ...] = (Exception,)) -> None:
    """Close a connection that may already be broken; closing it is a courtesy."""
    if connection is None:
        return
    try:
        connection.close()
    except errors:
        pass


def is_lock_conflict(exc: BaseException) -> bool:
    """A deadlock or a lock wait timeout: the statement was rolled back, the connection is fine."""
    return (
        isinstance(exc, pymysql.err.OperationalError)
        and bool(exc.args)
        and exc.args[0] in LOCK_CONFLICTS
    )


def is_transient_database_error(exc: BaseException) -> bool:
    """True for errors that a later attempt may not meet: lost connections, lock conflicts."""
    if isinstance(exc, pymysql.err.InterfaceError):
        return True
    if not isinstance(exc, pymysql.err.OperationalError) or not exc.args:
        return False
    code = exc.args[0]
    # 2000-2999 are the client's own errors: cannot connect, server gone, connection lost.
    return code in RETRYABLE_SERVER_ERRORS or (isinstance(code, int) and 2000 <= code < 3000)


# -- the `worker` command ----------------------------------------------------------------------


def serve_metrics(settings: Settings, port: int) -> None:
    """Serve this process's Prometheus metrics on EDQUILL_METRICS_HOST:port (0: do not)."""
    if port:
        start_http_server(port, addr=settings.metrics_host)


def worker_command(
    build: Callable[..., Worker], help: str, options: Sequence[Callable] = ()
) -> click.Command:
    """The `worker` command of a service: build(settings, **option values) makes the worker,
    which then serves its metrics (--metrics-port, on EDQUILL_METRICS_HOST) and runs until
    SIGTERM/SIGINT. A configuration error stops it before anything listens or connects."""

    @click.pass_obj
    def command(settings: Settings, metrics_port: int, **values) -> None:
        try:
            worker = build(settings, **values)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        serve_metrics(settings, metrics_port)
        run_until_signalled(worker)

    command = click.option(
        "--metrics-port",
        default=0,
        type=click.IntRange(0, 65535),
        help="Serve Prometheus metrics on this port, on EDQUILL_METRICS_HOST (0: do not serve).",
    )(command)
    for option in reversed(options):
        command = option(command)
    return click.command("worker", help=help)(command)
