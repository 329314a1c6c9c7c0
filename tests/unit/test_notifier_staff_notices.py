"""What staff.invited asks of the notifier (notifier.domain.staff_notices): one English,
transactional e-mail to the invited address, deduplicated by the event, whose link is only a
placeholder (ids and expiry, no signature) until the sender signs it."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from notifier.domain.consent import Purpose
from notifier.domain.link_placeholders import invitation_placeholder
from notifier.domain.preferences import SchoolPreferences
from notifier.domain.quiet_hours import QuietHours
from notifier.domain.staff_notices import STAFF_PLANNERS
from shared.events import Event, EventType
from shared.locales import FamilyLocale

EXPIRES = datetime(2026, 1, 8, 16, 0, tzinfo=timezone.utc)
PREFERENCES = SchoolPreferences(
    QuietHours(time(21), time(8)), timedelta(hours=72), timedelta(hours=168)
)
SPANISH_FAMILIES = FamilyLocale("es")


def invited(**payload) -> Event:
    return Event.new(
        EventType.STAFF_INVITED,
        1,
        9,
        {
            "invitation_id": 9,
            "email": "New.Colleague@School.example",
            "role": "registrar",
            "expires_at": "2026-01-08T16:00:00.000000Z",
            "invited_by": "head@school.example",
            "school": {"name": "Sunrise", "timezone": "America/New_York"},
            **payload,
        },
        aggregate_type="staff_invitation",
    )


def plan(event: Event):
    return STAFF_PLANNERS[event.event_type](event, PREFERENCES, SPANISH_FAMILIES)


def test_the_invited_address_gets_one_transactional_english_mail_per_event():
    event = invited()
    (notice,) = plan(event).notices
    assert (notice.template, notice.purpose, notice.recipient) == (
        "staff_invitation",
        Purpose.TRANSACTIONAL,
        "new.colleague@school.example",
    )
    assert notice.dedupe_key == f"staff-invited:{event.event_id}"
    assert notice.context["language"] == "en"  # whatever the school's families read


def test_the_link_is_a_placeholder_of_the_invitation_and_its_expiry():
    (notice,) = plan(invited()).notices
    assert notice.context["invitation_url"] == invitation_placeholder(9, EXPIRES)
    assert notice.context["role"] == "registrar"
    assert notice.context["invited_by"] == "head@school.example"
    # 16:00 UTC is 11:00 at the school.
    assert notice.context["expires_on"] == "January 8, 2026, 11:00\u202fAM"


def test_an_unreadable_expiry_sends_no_link_rather_than_a_broken_one():
    (notice,) = plan(invited(expires_at="soon")).notices
    assert notice.context["invitation_url"] is None
