"""`edquill notifier ...`: the notifier's commands."""

from __future__ import annotations

import click

from notifier.bootstrap import NotifierWorker, bootstrap
from notifier.config import NotifierConfig
from shared.config import Settings
from shared.worker import worker_command


@click.group("notifier")
def notifier() -> None:
    """The notifier: e-mail to families from registration and invoice events."""


def _notifier_worker(settings: Settings) -> NotifierWorker:
    return bootstrap(settings, NotifierConfig.from_env())  # loads EDQUILL_SMTP_URL's cafile


notifier.add_command(
    worker_command(
        _notifier_worker,
        help="Consume events, send queued mail over SMTP, fire reminders; until SIGTERM/SIGINT.",
    )
)
