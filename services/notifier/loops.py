"""What the sender and the scheduler share: a loop on its own database connection that keeps
going through database outages and unexpected errors, pausing between rounds."""
from __future__ import annotations

import logging
import threading

import pymysql

from shared import db
from shared.config import Settings

log = logging.getLogger(__name__)

# Waits after a failed round: quick after a blip, gentle during an outage.
FAILURE_FIRST_DELAY = 0.2
FAILURE_MAX_DELAY = 10.0


class DatabaseLoop:
    """Calls `round()` until stopped; `round` returns the pause before the next one."""

    name = "loop"

    def __init__(self, settings: Settings):
        self.settings = settings
        self._connection = None
        self._failures = 0

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
                stopping.wait(self._guarded_round())
        finally:
            self.close()
        log.info("notifier %s stopped", self.name)

    def _guarded_round(self) -> float:
        try:
            pause = self.round()
        except pymysql.err.Error as exc:
            self._failures += 1
            log.warning("notifier %s: database error, retrying: %s", self.name, exc)
            self._drop_connection()
            return self._failure_pause()
        except Exception:  # a loop must outlive a bug in one round; the next round retries
            self._failures += 1
            log.exception("notifier %s: round failed", self.name)
            return self._failure_pause()
        self._failures = 0
        return pause

    def _failure_pause(self) -> float:
        return min(FAILURE_FIRST_DELAY * 2 ** (self._failures - 1), FAILURE_MAX_DELAY)

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken
                pass

    def close(self) -> None:
        self._drop_connection()
