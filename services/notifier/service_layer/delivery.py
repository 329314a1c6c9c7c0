"""Delivery: a batch of queued messages claimed and handed to SMTP on one connection.

Exactly once, in effect: the consumer's transaction wrote the message (with its Message-ID)
before the event was acked, so nothing is lost; the sender marks a batch sent only after the
SMTP server accepted each message. If the sender dies between the server's accept and that
mark, the claim expires (claim_seconds) and another round sends the message again, with the
same Message-ID: at least once on the wire, once as the recipient's mail system sees it. A lock
conflict on that mark (the consumer's transaction writing beside the batch's rows) is not a
reason to let the claim expire: the mark is tried again at once, SETTLE_TRIES times.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from typing import Callable

from notifier.adapters import send_queue_store
from notifier.adapters.clock import Clock, system_clock
from notifier.adapters.email_message import build_email
from notifier.adapters.smtp_sender import PermanentFailure, SmtpSender, TemporaryFailure
from notifier.config import NotifierConfig
from notifier.domain.delivery import out_of_attempts, retry_delay
from notifier.metrics import DELIVERIES, SMTP_SECONDS
from notifier.service_layer.message_links import MessageLinks
from shared.config import Settings
from shared.worker import is_lock_conflict

log = logging.getLogger(__name__)

# Tries at marking a batch sent when a deadlock or lock wait timeout rolls the mark back: each
# retry follows the other transaction's commit or rollback, so a few are plenty.
SETTLE_TRIES = 5

# Called with each row right after the server accepted it, before it is marked sent.
AfterAccept = Callable[[dict], None]


class Delivery:
    """Claims a batch, sends each message, and settles each as sent, to retry, or failed."""

    def __init__(
        self,
        settings: Settings,
        config: NotifierConfig,
        smtp: SmtpSender,
        links: MessageLinks,
        clock: Clock = system_clock,
        after_accept: AfterAccept | None = None,
    ):
        self.settings = settings
        self.config = config
        self.smtp = smtp
        self._links = links
        self._clock = clock
        self._after_accept = after_accept
        self._server_down = False

    def send_batch(self, connection) -> tuple[int, bool]:
        """Claim and send one batch; returns (messages tried, whether the server was down)."""
        token = uuid.uuid4().hex
        rows = send_queue_store.claim_queued(
            connection,
            token,
            self._clock(),
            self.config.send_batch_size,
            self.config.claim_seconds,
        )
        accepted: list[int] = []
        try:
            for index, row in enumerate(rows):
                if self._deliver(connection, row, token):
                    accepted.append(row["id"])
                elif self._server_down:
                    send_queue_store.release_untried(
                        connection, [r["id"] for r in rows[index + 1 :]], token
                    )
                    return index + 1, True
            return len(rows), False
        finally:
            self._mark_sent(connection, accepted, token)

    def _mark_sent(self, connection, accepted: list[int], token: str) -> None:
        for attempt in range(1, SETTLE_TRIES + 1):
            try:
                send_queue_store.mark_sent(connection, accepted, token, self._clock())
                return
            except Exception as exc:
                if not is_lock_conflict(exc) or attempt == SETTLE_TRIES:
                    raise
                log.warning(
                    "marking %d sent messages: attempt %d met a lock conflict, again: %s",
                    len(accepted),
                    attempt,
                    exc,
                )

    def _deliver(self, connection, row: dict, token: str) -> bool:
        """Send one message; True once the server accepted it. Failures are settled here."""
        self._server_down = False
        try:
            # The bearer links are signed here, into the e-mail only: the log keeps placeholders.
            data = build_email(
                self._links.filled(row),
                self.settings.mail_from,
                self._links.unsubscribe_url(row["school_id"], row["recipient"]),
                self._clock(),
            )
        except (ValueError, TypeError) as exc:  # a header the e-mail library refuses
            self._fail(connection, row, token, f"cannot build the e-mail: {exc}")
            return False
        started = time.monotonic()
        try:
            self.smtp.send(self.settings.mail_from, row["recipient"], data)
        except PermanentFailure as exc:
            self._fail(connection, row, token, str(exc))
            return False
        except TemporaryFailure as exc:
            self._server_down = exc.server_down
            self._retry_later(connection, row, token, str(exc), exc.counts_toward_giving_up)
            return False
        finally:
            SMTP_SECONDS.observe(time.monotonic() - started)
        DELIVERIES.labels("sent").inc()
        if self._after_accept is not None:
            self._after_accept(row)
        return True

    def _retry_later(
        self, connection, row: dict, token: str, reason: str, may_give_up: bool
    ) -> None:
        attempt = row["attempts"]
        if may_give_up and out_of_attempts(attempt, self.config.send_attempts):
            self._fail(connection, row, token, f"gave up after {attempt} attempts: {reason}")
            return
        wait = retry_delay(
            attempt,
            timedelta(seconds=self.config.retry_first_seconds),
            timedelta(seconds=self.config.retry_max_seconds),
        )
        now = self._clock()
        log.warning(
            "message %s to school %s: attempt %d failed, retrying in %s: %s",
            row["id"],
            row["school_id"],
            attempt,
            wait,
            reason,
        )
        send_queue_store.mark_retry(
            connection,
            row["id"],
            token,
            f"attempt {attempt} failed, will retry: {reason}",
            now + wait,
            now,
        )
        DELIVERIES.labels("retried").inc()

    def _fail(self, connection, row: dict, token: str, reason: str) -> None:
        log.error("message %s to school %s failed: %s", row["id"], row["school_id"], reason)
        send_queue_store.mark_failed(connection, row["id"], token, reason, self._clock())
        DELIVERIES.labels("failed").inc()
