"""How a consumer handles a batch of deliveries in one transaction (BATCH_SIZE > 1).

In the spirit of Zulip's `consume_batch`: up to BATCH_SIZE deliveries
are taken at once (prefetch raised to match), recorded in the inbox and handed to
`handle_batch` in ONE transaction; after the commit they are acked with one `multiple` ack. If
the batch fails, its events are handled again one per transaction, so a poison message is
retried and dead-lettered alone while the others go through; a message coming back for another
attempt is always handled alone, in its place among the deliveries taken with it, so the order
delivered is the order handled while nothing fails.

`BatchSettling` is mixed into shared.consumer.Consumer: it settles a batch with the same
pieces the consumer settles one delivery with (decoding, one event's transaction, giving back,
dead-lettering, metrics).
"""

from __future__ import annotations

import logging
import time

from shared import db
from shared.backoff import backoff_delay
from shared.broker import Delivery
from shared.consumer_metrics import Outcome
from shared.event_inbox import record_batch_in_inbox
from shared.events import Event
from shared.worker import is_transient_database_error

# The consumer's own logger: its lines keep one name whichever part of the base writes them.
log = logging.getLogger("shared.consumer")


class BatchSettling:
    """The batch half of a consumer's settling; see shared.consumer.Consumer for the rest."""

    def handle_batch(self, events: list[Event], cursor) -> None:
        """Apply several events in one transaction (BATCH_SIZE > 1); by default, `handle` each.

        Each event runs here once per event id. Raise to fail the whole batch: its events are
        then handled again one per transaction through `handle`, so only the faulty one is
        retried and dead-lettered.
        """
        for event in events:
            self.handle(event, cursor)

    def _settle_batch(self, deliveries: list[Delivery]) -> None:
        """The deliveries in the order delivered: each run of first deliveries as one batch,
        each delivery back for another attempt alone, between them. Alone, a delivery that
        failed before cannot fail a batch again and again; in its place, it keeps a
        registration's order when a lost connection brings unacked events back ahead of newer
        ones in the same fetch (handled after the newer ones, they went out of order)."""
        started = time.monotonic()
        batch: list[tuple[Delivery, Event]] = []
        for position, delivery in enumerate(deliveries):
            if delivery.attempt > 1:
                if batch:
                    self._handle_batch_in_transaction(batch, started, deliveries[position:])
                    batch = []
                self._settle(delivery)
                continue
            event = self._decode(delivery, started)
            if event is not None:
                batch.append((delivery, event))
        if batch:
            self._handle_batch_in_transaction(batch, started, [])

    def _handle_batch_in_transaction(
        self, batch: list[tuple[Delivery, Event]], started: float, unsettled: list[Delivery]
    ) -> None:
        events = [event for _delivery, event in batch]
        try:
            with db.transaction(self._database()) as cursor:
                fresh = record_batch_in_inbox(cursor, self.NAME, events)
                if fresh:
                    self.handle_batch([events[position] for position in fresh], cursor)
        except Exception as exc:  # the batch as a whole failed: find out which event did
            self._after_batch_failure(batch, exc, started)
            return
        if fresh:
            self.committed()
        self._ack_batch([delivery for delivery, _event in batch], unsettled)
        handled = set(fresh)
        for position, event in enumerate(events):
            self._observe(
                event.event_type,
                Outcome.HANDLED if position in handled else Outcome.DUPLICATE,
                started,
            )

    def _ack_batch(self, deliveries: list[Delivery], unsettled: list[Delivery]) -> None:
        """One ack up to the batch's last tag: deliveries still waiting in the channel came
        after it, and every other one taken before is settled, unless a come-back delivery
        with a lower tag is still to be handled; then each is acked on its own."""
        last = max(delivery.tag for delivery in deliveries)
        if all(delivery.tag > last for delivery in unsettled):
            self._channel.ack_through(last)
            return
        for delivery in deliveries:
            self._channel.ack(delivery)

    def _after_batch_failure(
        self, batch: list[tuple[Delivery, Event]], exc: Exception, started: float
    ) -> None:
        if is_transient_database_error(exc):
            # The database, not a message, is at fault: the whole batch goes back after one
            # back-off (a message come back is then handled alone).
            log.warning(
                "consumer %s: batch of %d: transient database error: %s", self.NAME, len(batch), exc
            )
            self._drop_database()
            self._give_back_all(batch, exc, started)
            return
        log.warning(
            "consumer %s: batch of %d failed (%s: %s); handling its events one by one",
            self.NAME,
            len(batch),
            type(exc).__name__,
            exc,
        )
        for index, (delivery, event) in enumerate(batch):
            if self._db is None:  # lost while handling an earlier one: the rest go back
                self._give_back_all(batch[index:], exc, started)
                return
            self._observe(event.event_type, self._handle_in_transaction(event, delivery), started)

    def _give_back_all(
        self, batch: list[tuple[Delivery, Event]], exc: Exception, started: float
    ) -> None:
        self._pause(backoff_delay(1, self.RETRY_FIRST_DELAY, self.RETRY_MAX_DELAY))
        for delivery, event in batch:
            if delivery.attempt >= self.DELIVERY_LIMIT:
                reason = (
                    f"transient database error after {delivery.attempt} attempts: "
                    f"{type(exc).__name__}: {exc}"
                )
                outcome = self._dead_letter(delivery, reason)
            else:
                self._channel.give_back(delivery)
                outcome = Outcome.RETRIED
            self._observe(event.event_type, outcome, started)
