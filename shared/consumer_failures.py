"""What becomes of a delivery whose handling failed: given back to the queue after a back-off,
or dead-lettered with the reason once retrying cannot help (see shared.consumer for the rules).

`FailureSettling` is mixed into shared.consumer.Consumer, whose channel, database connection,
limits and pause it uses.
"""

from __future__ import annotations

import logging

from shared.backoff import backoff_delay
from shared.broker import Delivery
from shared.consumer_metrics import Outcome
from shared.events import Event, MalformedEvent
from shared.worker import is_transient_database_error

# The consumer's own logger: its lines keep one name whichever part of the base writes them.
log = logging.getLogger("shared.consumer")


class FailureSettling:
    """The retry and dead-letter half of a consumer's settling."""

    def _after_failure(self, event: Event, delivery: Delivery, exc: Exception) -> Outcome:
        attempt = delivery.attempt
        if isinstance(exc, MalformedEvent):
            log.error(
                "consumer %s: event %s (%s) refused, dead-lettered: %s",
                self.NAME,
                event.event_id,
                event.event_type,
                exc,
            )
            return self._dead_letter(delivery, f"malformed event: {exc}")
        if is_transient_database_error(exc):
            self._drop_database()
            limit, kind = self.DELIVERY_LIMIT, "transient database error"
            log.warning(
                "consumer %s: event %s (%s) attempt %d of %d: %s: %s",
                self.NAME,
                event.event_id,
                event.event_type,
                attempt,
                limit,
                kind,
                exc,
            )
        else:
            limit, kind = self.HANDLER_ATTEMPTS, "handler failed"
            log.exception(
                "consumer %s: event %s (%s) attempt %d of %d: %s",
                self.NAME,
                event.event_id,
                event.event_type,
                attempt,
                limit,
                kind,
            )
        if attempt >= limit:
            reason = f"{kind} after {attempt} attempts: {type(exc).__name__}: {exc}"
            log.error("consumer %s: event %s dead-lettered: %s", self.NAME, event.event_id, reason)
            return self._dead_letter(delivery, reason)
        self._pause(backoff_delay(attempt, self.RETRY_FIRST_DELAY, self.RETRY_MAX_DELAY))
        self._channel.give_back(delivery)
        return Outcome.RETRIED

    def _dead_letter(self, delivery: Delivery, reason: str) -> Outcome:
        self._channel.dead_letter(delivery, reason, attempts=delivery.attempt)
        return Outcome.DEAD_LETTERED
