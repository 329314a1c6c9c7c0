"""The sender: the worker's loop that delivers queued messages a batch a round, and pauses,
doubling, while the SMTP server is away. What a round does, and why it is exactly once in
effect, is notifier.service_layer.delivery."""

from __future__ import annotations

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
    ):
        super().__init__(settings)
        self.config = config
        self.delivery = Delivery(settings, config, smtp, links, clock, after_accept)
        self._server_away = Backoff(SERVER_RETRY_FIRST_SECONDS, SERVER_RETRY_MAX_SECONDS)

    def round(self) -> float:
        tried, server_down = self.delivery.send_batch(self.connection)
        if server_down:
            return self._server_away.next()
        self._server_away.reset()
        return 0.0 if tried == self.config.send_batch_size else self.config.sender_idle_seconds

    def close(self) -> None:
        self.delivery.smtp.close()
        super().close()
