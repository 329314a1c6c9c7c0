"""The sender: the worker's loop that delivers queued messages a batch a round, and pauses,
doubling, while the SMTP server is away. What a round does, and why it is exactly once in
effect, is notifier.service_layer.delivery."""

from __future__ import annotations

import threading
import time

from notifier.adapters.clock import Clock, system_clock
from notifier.adapters.smtp_sender import SmtpSender
from notifier.config import NotifierConfig
from notifier.entrypoints.loops import DatabaseLoop
from notifier.service_layer.delivery import AfterAccept, Delivery
from notifier.service_layer.message_links import MessageLinks
from shared.backoff import Backoff
from shared.config import Settings

# Pause after the SMTP server could not be reached, doubling while it stays away: the queued
# mail waits in the database meanwhile, so there is no hurry to hammer the server.
SERVER_RETRY_FIRST_SECONDS = 1.0
SERVER_RETRY_MAX_SECONDS = 30.0
# How often an idle sender looks at the stop while it waits for mail (the idle pause is a knob
# and may be long).
STOP_CHECK_SECONDS = 0.25


class Sender(DatabaseLoop):
    """The worker's sending loop: one batch a round (notifier.service_layer.delivery)."""

    name = "sender"

    def __init__(
        self,
        settings: Settings,
        config: NotifierConfig,
        smtp: SmtpSender,
        links: MessageLinks,
        clock: Clock = system_clock,
        after_accept: AfterAccept | None = None,
        mail_queued: threading.Event | None = None,
    ):
        super().__init__(settings)
        self.config = config
        self.delivery = Delivery(settings, config, smtp, links, clock, after_accept)
        self._server_away = Backoff(SERVER_RETRY_FIRST_SECONDS, SERVER_RETRY_MAX_SECONDS)
        # Set by the worker's consumer after each commit (NotifierConsumer.mail_queued).
        self._mail_queued = mail_queued or threading.Event()
        self._idle = False

    def round(self) -> float:
        self._idle = False
        tried, server_down = self.delivery.send_batch(self.connection)
        if server_down:
            return self._server_away.next()
        self._server_away.reset()
        if tried == self.config.send_batch_size:
            return 0.0
        self._idle = True
        return self.config.sender_idle_seconds

    def wait(self, stopping: threading.Event, seconds: float) -> None:
        if not self._idle:
            super().wait(stopping, seconds)
            return
        # Idle: until the next look, or until the consumer commits mail. Without the signal a
        # batch the consumer had just committed waited out the rest of the idle pause, which
        # was most of a message's latency and, under load, a stall every batch. Cleared before
        # the next round's claim, so a commit after that wakes the round after it.
        deadline = time.monotonic() + seconds
        while not stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._mail_queued.wait(min(remaining, STOP_CHECK_SECONDS)):
                break
        self._mail_queued.clear()

    def close(self) -> None:
        self.delivery.smtp.close()
        super().close()
