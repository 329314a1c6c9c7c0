"""What the sender and the scheduler share: a loop on its own database connection that keeps
going through database outages and unexpected errors, pausing between rounds (the runtime's
back-off and pause, shared.worker)."""

from __future__ import annotations

import logging
import threading

import pymysql

from shared import db
from shared.backoff import Backoff
from shared.config import Settings
from shared.worker import RECONNECT_FIRST_DELAY, RECONNECT_MAX_DELAY, close_quietly, pause

log = logging.getLogger(__name__)


class DatabaseLoop:
    """Calls `round()` until stopped; `round` returns the pause before the next one."""

    name = "loop"

    def __init__(self, settings: Settings):
        self.settings = settings
        self._connection = None
        # Waits after a failed round, as after any lost connection.
        self._failures = Backoff(RECONNECT_FIRST_DELAY, RECONNECT_MAX_DELAY)

    @property
    def connection(self):
        if self._connection is None:
            self._connection = db.connect(self.settings, "notifier")
        return self._connection

    def round(self) -> float:
        raise NotImplementedError

    def run(self, stopping: threading.Event) -> None:
        log.info("notifier %s starting", self.name)
        try:
            while not stopping.is_set():
                self.wait(stopping, self._guarded_round())
        finally:
            self.close()
        log.info("notifier %s stopped", self.name)

    def wait(self, stopping: threading.Event, seconds: float) -> None:
        """The pause between rounds, cut short by a stop."""
        pause(stopping, seconds)

    def _guarded_round(self) -> float:
        try:
            pause = self.round()
        except pymysql.err.Error as exc:
            log.warning("notifier %s: database error, retrying: %s", self.name, exc)
            self._drop_connection()
            return self._failures.next()
        except Exception:  # a loop must outlive a bug in one round; the next round retries
            log.exception("notifier %s: round failed", self.name)
            return self._failures.next()
        self._failures.reset()
        return pause

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        close_quietly(connection)

    def close(self) -> None:
        self._drop_connection()
