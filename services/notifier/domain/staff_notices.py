"""What the staff's own events ask of the notifier: an invited colleague gets the invitation
e-mail, in English (staff mail is in the catalogs' source language, whatever the school's
families read), with the link to set their password. The link is a placeholder here and in
the message log; the sender signs it (notifier.domain.link_placeholders). No consent is asked:
the address asked for nothing yet, but this is the one message that lets it in."""

from __future__ import annotations

from typing import Callable, Mapping

from notifier.domain import formatting
from notifier.domain.consent import Purpose
from notifier.domain.link_placeholders import invitation_placeholder
from notifier.domain.notices import Notice, Plan
from notifier.domain.preferences import SchoolPreferences
from shared.events import Event, EventType, MalformedEvent, parse_timestamp
from shared.locales import SOURCE_LANGUAGE, FamilyLocale

INVITATION_TEMPLATE = "staff_invitation"


def _staff_invited(event: Event, _preferences: SchoolPreferences, _locale: FamilyLocale) -> Plan:
    payload = event.payload
    try:
        expires_at = parse_timestamp(payload["expires_at"])
    except MalformedEvent:
        expires_at = None
    invitation_id = payload["invitation_id"]
    context = {
        "role": str(payload["role"]),
        "invited_by": formatting.text_or_none(payload.get("invited_by")),
        "expires_on": FamilyLocale().moment(expires_at, _school_timezone(payload)),
        # No link without its expiry: the registrar would refuse it anyway.
        "invitation_url": (
            invitation_placeholder(invitation_id, expires_at)
            if isinstance(invitation_id, int) and expires_at is not None
            else None
        ),
        "language": SOURCE_LANGUAGE,
    }
    notice = Notice(
        INVITATION_TEMPLATE,
        Purpose.TRANSACTIONAL,
        formatting.normalise_address(payload.get("email")),
        # One e-mail per event however often it is delivered; a re-invitation is a new event.
        f"staff-invited:{event.event_id}",
        context,
    )
    return Plan(notices=(notice,))


def _school_timezone(payload: Mapping) -> str | None:
    school = payload.get("school")
    return str(school.get("timezone") or "UTC") if isinstance(school, Mapping) else None


STAFF_PLANNERS: dict[str, Callable[[Event, SchoolPreferences, FamilyLocale], Plan]] = {
    EventType.STAFF_INVITED: _staff_invited,
}
