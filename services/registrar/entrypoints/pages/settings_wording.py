"""How the settings page puts things into words: what a save did, what a new time zone
changes before it is saved, a section whose service does not answer. No I/O."""

from __future__ import annotations

DONE = {
    "school": "Saved: the school's name, currency and language are as shown below.",
    "timezone": "Saved: the school's days now start at midnight in its new time zone.",
    "seat_offers": "Saved: seat offers made from now on hold their seat this long; offers "
    "already made keep their time.",
    "flag": "Saved: the feature flag is changed for the whole school.",
    "family_links": "Saved: family links in e-mails sent from now on work this long; links "
    "already sent keep their time.",
    "dashboard_targets": "Saved: the dashboard's action rail uses the new targets.",
}

FIELD_LABELS = {
    "name": "Name",
    "timezone": "Time zone",
    "currency": "Currency",
    "default_language": "Default language",
    "seat_offer_hours": "Hold a seat offer for (hours)",
    "family_link_days": "Family links work for (days)",
    "lead_wait_hours": "A new registration waits at most (hours)",
    "needs_info_wait_hours": "A request for information waits at most (hours)",
    "approved_wait_hours": "An approval waits for payment at most (hours)",
}

SERVICE_NAMES = {"notifier": "the notifier (e-mails)", "dashboard": "the dashboard"}


def done_notice(done: str) -> dict | None:
    text = DONE.get(done)
    return {"kind": "success", "text": text} if text else None


def time_zone_consequence(zone: str) -> str:
    """What saving `zone` changes, said before it is saved."""
    return (
        f"From now on days start at midnight in {zone}: future daily figures, quiet hours and "
        "reminders follow it; past figures stay as counted."
    )


def unavailable(service: str, reason: str) -> str:
    name = SERVICE_NAMES.get(service, service)
    return (
        f"This section is unavailable: {reason}. These settings live in {name}; nothing else "
        "on this page depends on it. Try again in a moment."
    )


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
