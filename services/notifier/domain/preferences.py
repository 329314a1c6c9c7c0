"""What a school chose about its e-mails (or the defaults, when it chose nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from notifier.domain.quiet_hours import QuietHours
from shared.family_links import FAMILY_LINK_LIFETIME
from shared.registration_status import STATUSES, Status

# Statuses whose change can e-mail the family as a status update. needs_info has a message of
# its own, always sent, so it is not among them.
STATUS_UPDATE_CHOICES = tuple(status for status in STATUSES if status != Status.NEEDS_INFO)


@dataclass(frozen=True)
class SchoolPreferences:
    quiet_hours: QuietHours
    needs_info_reminder_after: timedelta
    invoice_reminder_after: timedelta
    reminders_enabled: bool = True
    status_updates: frozenset[str] = field(default_factory=frozenset)
    # How long the family link in each of the school's e-mails keeps working.
    family_link_lifetime: timedelta = FAMILY_LINK_LIFETIME
    # The staff address told when a family answers a request for information; None: nobody is,
    # the card on the board and the dashboard's rail show the answer.
    answer_alert_email: str | None = None


def parse_status_updates(text: str) -> frozenset[str]:
    """From the stored comma-separated form; unknown words are dropped."""
    words = {word.strip() for word in (text or "").split(",")}
    return frozenset(word for word in words if word in STATUS_UPDATE_CHOICES)


def format_status_updates(statuses) -> str:
    return ",".join(sorted(set(statuses)))
