"""Composition root of `edquill notifier worker`: the consumer, the sender and the scheduler
of one process, wired together here and nowhere else. Nothing connects until `run`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from notifier.adapters.clock import Clock, system_clock
from notifier.adapters.smtp_sender import SmtpSender
from notifier.adapters.template_store import TemplateStore
from notifier.config import NotifierConfig
from notifier.domain.rendering import Renderer
from notifier.entrypoints.consumer import NotifierConsumer
from notifier.entrypoints.scheduler import Scheduler
from notifier.entrypoints.sender import Sender
from notifier.service_layer.composer import Composer
from notifier.service_layer.delivery import AfterAccept
from notifier.service_layer.message_links import MessageLinks
from shared.config import Settings

log = logging.getLogger(__name__)

# How long stopping waits for the sender and scheduler to finish the round in hand.
STOP_TIMEOUT_SECONDS = 30.0


def build_composer(settings: Settings, config: NotifierConfig) -> Composer:
    return Composer(
        config,
        TemplateStore(),
        Renderer(),
        mail_from=settings.mail_from,
        mail_from_name=settings.mail_from_name,
    )


@dataclass
class NotifierWorker:
    consumer: NotifierConsumer
    sender: Sender
    scheduler: Scheduler
    name = "notifier"

    def run(self, stopping: threading.Event) -> None:
        """Consume in this thread, send and schedule in two more, until `stopping` is set."""
        threads = [
            threading.Thread(
                target=loop.run, args=(stopping,), daemon=True, name=f"notifier-{loop.name}"
            )
            for loop in (self.sender, self.scheduler)
        ]
        for thread in threads:
            thread.start()
        try:
            self.consumer.run(stopping)
        finally:
            stopping.set()
            for thread in threads:
                thread.join(STOP_TIMEOUT_SECONDS)


def bootstrap(
    settings: Settings,
    config: NotifierConfig | None = None,
    *,
    clock: Clock = system_clock,
    consumer_class: type[NotifierConsumer] = NotifierConsumer,
    after_accept: AfterAccept | None = None,
) -> NotifierWorker:
    config = config or NotifierConfig.from_env()
    composer = build_composer(settings, config)
    smtp = SmtpSender(settings.smtp, config.smtp_timeout_seconds)
    mail_queued = threading.Event()  # the consumer committed mail: the sender starts on it
    return NotifierWorker(
        consumer=consumer_class(settings, config, composer, clock, mail_queued),
        sender=Sender(
            settings, config, smtp, MessageLinks(settings), clock, after_accept, mail_queued
        ),
        scheduler=Scheduler(settings, config, composer, clock),
    )
