"""Settling claimed outbox rows (t_event_outbox) after the broker answered: published rows
are marked processed, refused ones count an attempt (and are parked dead once out of
attempts), malformed ones are parked dead at once.

Only the holder of a row's claim token can settle it (see claim_store), and every statement
runs in autocommit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from outbox_relay.domain.failures import Failure
from outbox_relay.domain.ordering import retry_delay

# Longest error text kept on a row (the column's width).
LAST_ERROR_LENGTH = 1000


class SettleStore:
    def __init__(self, connection):
        self._connection = connection

    def mark_processed(self, ids: Sequence[int], token: str) -> int:
        if not ids:
            return 0
        with self._connection.cursor() as cursor:
            return cursor.execute(
                "UPDATE t_event_outbox SET processed_at = UTC_TIMESTAMP(6), claim_token = NULL "
                "WHERE id IN %s AND claim_token = %s",
                (list(ids), token),
            )

    def record_failures(
        self, failures: Iterable[Failure], token: str, now: datetime, max_attempts: int
    ) -> tuple[int, int]:
        """Count an attempt for each failure; park as dead those out of attempts.

        Returns (retried, parked)."""
        retried = parked = 0
        with self._connection.cursor() as cursor:
            for failure in failures:
                attempts = failure.row.attempts + 1
                error = failure.error[:LAST_ERROR_LENGTH]
                if attempts >= max_attempts:
                    parked += cursor.execute(
                        "UPDATE t_event_outbox SET attempts = %s, last_error = %s, "
                        "dead_at = UTC_TIMESTAMP(6), claim_token = NULL, claimed_by = NULL, "
                        "claimed_at = NULL WHERE id = %s AND claim_token = %s",
                        (attempts, error, failure.row.id, token),
                    )
                else:
                    retried += cursor.execute(
                        "UPDATE t_event_outbox SET attempts = %s, last_error = %s, "
                        "next_attempt_at = %s, claim_token = NULL, claimed_by = NULL, "
                        "claimed_at = NULL WHERE id = %s AND claim_token = %s",
                        (attempts, error, now + retry_delay(attempts), failure.row.id, token),
                    )
        return retried, parked

    def park_dead(self, failures: Iterable[Failure], token: str) -> int:
        """Park rows no retry can help (malformed, unknown type) as dead straight away."""
        parked = 0
        with self._connection.cursor() as cursor:
            for failure in failures:
                parked += cursor.execute(
                    "UPDATE t_event_outbox SET attempts = attempts + 1, last_error = %s, "
                    "dead_at = UTC_TIMESTAMP(6), claim_token = NULL, claimed_by = NULL, "
                    "claimed_at = NULL WHERE id = %s AND claim_token = %s",
                    (failure.error[:LAST_ERROR_LENGTH], failure.row.id, token),
                )
        return parked
