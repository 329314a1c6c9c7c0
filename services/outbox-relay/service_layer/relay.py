"""The relay loop: claim a batch, publish it with confirms, settle each row.

The loop is a two-stage pipeline: while the broker confirms the batch in flight, the relay
reads and claims the next one from MySQL, so neither waits for the other. The next batch
leaves out every aggregate with a row in flight, so an aggregate's events still go out one
confirmed step at a time, in order. The loop polls again at once while there is work and backs
off, doubling from IDLE_FIRST_SLEEP up to the configured cap, while there is none.

What a failed publish costs the event:

- the broker is unavailable (cannot connect, connection lost before the confirm, a nack: the
  broker could not take the message just now): nothing. The claim is released, the relay
  backs off and reconnects, and the row goes out once the broker is back;
- the broker refused the message for itself (returned: no queue is bound for its routing
  key): one attempt. The row is retried after a growing delay and parked dead after
  max_attempts;
- the row cannot be made into a message at all (malformed: bad payload, unknown type, an
  event id that is not a UUID, a payload that cannot be serialised, a body larger than the
  broker takes): parked dead on first sight.

A dead row holds back the later events of its aggregate (see domain.ordering.held_behind_dead)
until `edquill outbox dead replay` or `dead skip` says what to do; other aggregates flow on.

This module keeps the loop and its connections; claiming.py claims the next batch and
settling.py settles one the broker has answered.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import datetime, timezone
from typing import Callable

import pymysql

from outbox_relay import metrics
from outbox_relay.adapters.claim_store import ClaimStore
from outbox_relay.adapters.lease_store import PartitionLeases
from outbox_relay.adapters.outbox_status_store import OutboxStatusStore
from outbox_relay.adapters.publisher import BatchOutcome, BrokerUnavailable, ConfirmingPublisher
from outbox_relay.adapters.settle_store import SettleStore
from outbox_relay.config import RelayOptions
from outbox_relay.domain.failures import Failure
from outbox_relay.service_layer import settling
from outbox_relay.service_layer.claiming import Batch, claim_next
from shared.backoff import Backoff
from shared.worker import (
    DATABASE_ERRORS,
    RECONNECT_FIRST_DELAY,
    RECONNECT_MAX_DELAY,
    close_quietly,
    pause,
)

log = logging.getLogger(__name__)

# The first idle poll comes this soon after the last event: at a steady trickle, the next
# event is usually already there, and a few ms of sleep cost no latency worth mentioning.
IDLE_FIRST_SLEEP = 0.001
# Reconnecting to a lost database or broker follows the runtime's back-off (shared.worker).
# The broker's is reset only by a confirmed publish, not by a connection that opens: a broker
# that takes the connection but nacks every publish is still an outage.
# Backlog and oldest-age gauges are refreshed this often; the query reads an index, but there
# is no need to run it every poll.
STATUS_EVERY_SECONDS = 5.0


class Relay:
    def __init__(
        self,
        relay_id: str,
        options: RelayOptions,
        connect_db: Callable[[], pymysql.connections.Connection],
        publisher: ConfirmingPublisher,
        utcnow: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self.relay_id = relay_id
        self._options = options
        self._connect_db = connect_db
        self._publisher = publisher
        self._utcnow = utcnow
        self._connection = None
        self._claims: ClaimStore | None = None
        self._settles: SettleStore | None = None
        self._status: OutboxStatusStore | None = None
        self._leases = PartitionLeases(None, relay_id, options.lease)
        # Not spread at random: one relay's idle polls knock at no shared door.
        self._idle = Backoff(
            IDLE_FIRST_SLEEP, max(options.max_idle_sleep, IDLE_FIRST_SLEEP), jitter=0
        )
        self._database_backoff = Backoff(RECONNECT_FIRST_DELAY, RECONNECT_MAX_DELAY)
        self._broker_backoff = Backoff(RECONNECT_FIRST_DELAY, RECONNECT_MAX_DELAY)
        self._in_flight: Batch | None = None
        self._unsettled: tuple[list[int], str] | None = None
        self._next_status = 0.0

    # -- the loop --------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return f"relay {self.relay_id}"

    def run(self, stopping: threading.Event) -> None:
        """Relay until `stopping` is set; a wait for a lost server ends at once on a stop."""
        log.info("relay %s starting", self.relay_id)
        while not stopping.is_set():
            try:
                self._ensure_connected()
                self._maintain_leases_if_due()
                self._refresh_status_if_due()
                moved = self.relay_once()
            except DATABASE_ERRORS as exc:
                log.warning("database unavailable: %s", exc)
                self._abandon_in_flight()
                self._drop_database()
                pause(stopping, self._database_backoff.next())
                continue
            except BrokerUnavailable as exc:
                log.warning("broker unavailable: %s", exc)
                self._abandon_in_flight()
                self._publisher.close()
                pause(stopping, self._broker_backoff.next())
                continue
            self._database_backoff.reset()
            if moved:
                self._idle.reset()
            else:
                self._publisher.idle(self._idle.next())
        self.shutdown()

    def relay_once(self) -> int:
        """One turn of the pipeline; returns how many rows moved (0: nothing to do)."""
        if self._unsettled:
            self._settle_processed(*self._unsettled)
        in_flight, self._in_flight = self._in_flight, None
        try:
            upcoming = self._claim_next(in_flight)
        except BaseException:
            self._in_flight = in_flight
            raise
        moved = 0
        if in_flight is not None:
            moved += self._settle(
                in_flight,
                self._publisher.wait_for_confirms(self._options.confirm_timeout),
                also_release=upcoming,
            )
        if upcoming is not None:
            if upcoming.messages:
                self._publisher.send(upcoming.messages)
                self._in_flight = upcoming
            moved += len(upcoming.rows)
        return moved

    def drain(self) -> int:
        """Wait for the batch in flight and settle it (before leases change hands)."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is None:
            return 0
        return self._settle(
            in_flight, self._publisher.wait_for_confirms(self._options.confirm_timeout)
        )

    # -- claiming and settling -------------------------------------------------------------

    def _claim_next(self, in_flight: Batch | None) -> Batch | None:
        return claim_next(
            self._claims,
            self._settles,
            partitions=self._leases.current(),
            options=self._options,
            relay_id=self.relay_id,
            in_flight=in_flight,
            now=self._naive_now,
        )

    def _settle(
        self,
        batch: Batch,
        outcome: BatchOutcome,
        also_release: Batch | None = None,
    ) -> int:
        rows = batch.rows
        if outcome.confirmed:
            self._broker_backoff.reset()
        self._settle_processed([rows[e].id for e in outcome.confirmed], batch.token)
        settling.record_confirmed([rows[e] for e in outcome.confirmed], self._naive_now())
        if outcome.refused:
            settling.record_refused(
                self._settles,
                [Failure(rows[e], why) for e, why in outcome.refused.items()],
                batch.token,
                self._naive_now(),
                self._options.max_attempts,
            )
        settling.give_back_unanswered(self._claims, batch, outcome, also_release)
        return len(rows)

    def _settle_processed(self, ids: list[int], token: str) -> None:
        # Remembered until written: if the database drops now, the next turn writes it again.
        self._unsettled = (ids, token)
        self._settles.mark_processed(ids, token)
        self._unsettled = None

    def _abandon_in_flight(self) -> None:
        """Forget the batch in flight after an outage: its rows stay claimed by a token no one
        will settle, and are published again once this relay (or the partition's next owner)
        reads them: at least once, never lost."""
        self._in_flight = None

    def _naive_now(self) -> datetime:
        # The outbox stores UTC in naive DATETIME columns.
        return self._utcnow().replace(tzinfo=None)

    # -- connections and housekeeping ------------------------------------------------------

    def _ensure_connected(self) -> None:
        if self._connection is None:
            self._connection = self._connect_db()
            self._claims = ClaimStore(self._connection)
            self._settles = SettleStore(self._connection)
            self._status = OutboxStatusStore(self._connection)
            self._leases.reconnect(self._connection)
        if not self._publisher.connected:
            self._publisher.connect()

    def _maintain_leases_if_due(self) -> None:
        if not self._leases.due():
            return
        # Partitions may change hands now: nothing of ours may still be in flight.
        self.drain()
        self._leases.maintain()
        metrics.OWNED_PARTITIONS.set(len(self._leases.owned))

    def _drop_database(self) -> None:
        connection, self._connection = self._connection, None
        close_quietly(connection)

    def _refresh_status_if_due(self) -> None:
        if time.monotonic() < self._next_status:
            return
        self._next_status = time.monotonic() + STATUS_EVERY_SECONDS
        self._claims.release_orphaned_holds(self._leases.current())
        status = self._status.status(self._options.lease)
        metrics.BACKLOG.set(status.unprocessed)
        metrics.OLDEST_AGE.set(status.oldest_unprocessed_age_seconds or 0)
        metrics.DEAD_NOW.set(status.dead)
        metrics.HELD_NOW.set(status.held)
        metrics.STUCK_NOW.set(status.stuck)

    def shutdown(self) -> None:
        """Leave cleanly: settle the batch in flight, give the partitions back, disconnect."""
        try:
            if self._connection is None or not self._publisher.connected:
                self._ensure_connected()
            if self._unsettled:
                self._settle_processed(*self._unsettled)
            self.drain()
            self._leases.release_all()
        except (*DATABASE_ERRORS, BrokerUnavailable) as exc:
            log.warning("could not settle and release on the way out: %s", exc)
        finally:
            self._publisher.close()
            self._drop_database()
        log.info("relay %s stopped", self.relay_id)


def new_relay_id(hostname: str, pid: int) -> str:
    return f"{hostname[:40]}:{pid}:{secrets.token_hex(3)}"
