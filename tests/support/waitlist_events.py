"""The waitlist's events about one family (tests.support.notifier.Family), as the registrar
emits them, for the consumers' tests."""

from __future__ import annotations

from shared.events import Event

OFFERED_CLASS = {
    "name": "Piano",
    "teacher_name": "Grace Hopper",
    "weekday": 0,
    "start_time": "16:00",
    "end_time": "17:00",
    "starts_on": "2026-01-05",
}
# 23:00 UTC: 18:00 in New York, the next day's 00:00 in Madrid.
HOLDS_UNTIL = "2026-01-14T23:00:00.000000Z"


def school_snapshot(family, timezone_name: str = "America/New_York") -> dict:
    """The school's snapshot the registrar adds to each event (outbox_store.enqueue)."""
    return {
        "name": "Sunrise Music School",
        "slug": f"sunrise-{family.school_id}",
        "timezone": timezone_name,
        "currency": "USD",
    }


def waitlisted(family, position: int = 2, **extra) -> Event:
    return family.event(
        "selfreg.waitlisted", schedule_id=3, position=position, language="en", **extra
    )


def seat_offered(family, offer_id: int = 11, **extra) -> Event:
    payload = {
        "schedule_id": 3,
        "offer_id": offer_id,
        "expires_at": HOLDS_UNTIL,
        "school": school_snapshot(family),
    }
    return family.event(
        "selfreg.seat.offered", **{"class": OFFERED_CLASS, "language": "en", **payload, **extra}
    )


def seat_expired(family, offer_id: int = 11, **extra) -> Event:
    return family.event(
        "selfreg.seat.expired", schedule_id=3, offer_id=offer_id, expires_at=HOLDS_UNTIL, **extra
    )


def seat_answered(family, event_type: str, offer_id: int = 11) -> Event:
    return family.event(event_type, schedule_id=3, offer_id=offer_id)
