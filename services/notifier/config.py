"""The notifier's own knobs, read once from the environment into one typed object.

Each field may be set with EDQUILL_NOTIFIER_<FIELD NAME IN CAPITALS>. The sender's address and
name are not knobs: they are settings.mail_from and settings.mail_from_name (EDQUILL_MAIL_FROM,
EDQUILL_MAIL_FROM_NAME). A bad value stops the process at start with the variable's name.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Mapping

from notifier.domain.preferences import SchoolPreferences
from notifier.domain.quiet_hours import QuietHours
from shared.config_error import ConfigError
from shared.knobs import knobs_from_env


@dataclass(frozen=True)
class NotifierConfig:
    # -- defaults for a school that chose nothing (t_school_notice_settings) ----------------
    # Reminders wait through the night: families are not woken by them.
    quiet_hours_start: str = "21:00"
    quiet_hours_end: str = "08:00"
    # Three days is long enough to find a document, short enough that the request is fresh.
    needs_info_reminder_hours: int = 72
    # A week: most families pay within one; a reminder sooner would nag.
    invoice_reminder_hours: int = 168

    # -- the sender ------------------------------------------------------------------------
    # Messages claimed per round: one claim and one "sent" update cover this many e-mails,
    # and a crash resends at most this many (with their Message-IDs unchanged).
    send_batch_size: int = 50
    # A claim older than this belongs to a sender that died: another takes the rows over.
    # Far longer than a batch takes (ms per message), short enough that a crash delays mail
    # by a couple of minutes at most.
    claim_seconds: int = 120
    # Tries per message before a temporary failure (4xx, server unreachable) becomes final;
    # with the back-off below, about five hours of trying.
    send_attempts: int = 12
    # Wait before trying a message again, doubling per attempt: a greylisting server asks
    # for minutes, an outage for longer.
    retry_first_seconds: float = 30.0
    retry_max_seconds: float = 3600.0
    # Longest wait for the SMTP server to answer one command.
    smtp_timeout_seconds: float = 10.0
    # How often an idle sender looks for queued mail: the floor of event->SMTP latency.
    sender_idle_seconds: float = 0.1

    # -- reminders and held mail ------------------------------------------------------------
    # How often due reminders and the end of quiet hours are looked for: reminders are due
    # to the hour, so seconds do not matter.
    scheduler_idle_seconds: float = 1.0
    # Reminders fired (or held messages released) per round.
    scheduler_batch_size: int = 100

    # -- double opt-in ------------------------------------------------------------------------
    # How long a confirmation link works, and so how often an address that unsubscribed can
    # be asked again however many forms name it: a week to find the mail, and at most one
    # such mail a week that a stranger's form can cause.
    consent_confirmation_valid_hours: int = 168

    def validate(self) -> None:
        try:
            QuietHours.parse(self.quiet_hours_start, self.quiet_hours_end)
        except ValueError as exc:
            raise ConfigError(f"EDQUILL_NOTIFIER_QUIET_HOURS_*: {exc}") from None
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, (int, float)) and value <= 0:
                raise ConfigError(
                    f"EDQUILL_NOTIFIER_{item.name.upper()} must be positive, got {value}"
                )

    def default_preferences(self) -> SchoolPreferences:
        return SchoolPreferences(
            quiet_hours=QuietHours.parse(self.quiet_hours_start, self.quiet_hours_end),
            needs_info_reminder_after=timedelta(hours=self.needs_info_reminder_hours),
            invoice_reminder_after=timedelta(hours=self.invoice_reminder_hours),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "NotifierConfig":
        return knobs_from_env(cls, "EDQUILL_NOTIFIER_", environ)
