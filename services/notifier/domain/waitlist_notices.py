"""What the waitlist's events ask of the notifier: the family told its place on a full
class's list, told a seat is held for it (the class, until when in the school's time zone,
and its family link, where the page has Accept and Decline), and told when the offer lapsed.
Accepted and declined offers need no e-mail: the family answered on its own page."""

from __future__ import annotations

from datetime import timezone
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from notifier.domain import formatting
from notifier.domain.consent import Purpose
from notifier.domain.notices import Notice, Plan, _base
from notifier.domain.preferences import SchoolPreferences
from shared.events import Event, EventType, parse_timestamp
from shared.locales import FamilyLocale


def _waitlisted(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    context = {**_base(event, preferences, locale), "position": event.payload["position"]}
    return _one_notice("waitlisted", event, context)


def _seat_offered(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    context = {
        **_base(event, preferences, locale),
        "class_info": formatting.class_info(event.payload["class"], locale),
        "holds_until": _school_time(event.payload["expires_at"], event.payload, locale),
    }
    return _one_notice("seat_offered", event, context)


def _seat_expired(event: Event, preferences: SchoolPreferences, locale: FamilyLocale) -> Plan:
    context = {
        **_base(event, preferences, locale),
        "held_until": _school_time(event.payload["expires_at"], event.payload, locale),
    }
    return _one_notice("seat_expired", event, context)


WAITLIST_PLANNERS: dict[str, Callable[[Event, SchoolPreferences, FamilyLocale], Plan]] = {
    EventType.WAITLISTED: _waitlisted,
    EventType.SEAT_OFFERED: _seat_offered,
    EventType.SEAT_EXPIRED: _seat_expired,
    EventType.SEAT_ACCEPTED: lambda event, preferences, locale: Plan(),
    EventType.SEAT_DECLINED: lambda event, preferences, locale: Plan(),
}


def _one_notice(template: str, event: Event, context: dict) -> Plan:
    recipient = formatting.normalise_address(event.payload.get("guardian_email"))
    # One e-mail per event however often it is delivered (the message log's dedupe key).
    notice = Notice(template, Purpose.TRANSACTIONAL, recipient, f"event:{event.event_id}", context)
    return Plan(notices=(notice,))


def _school_time(value: Any, payload: Mapping[str, Any], locale: FamilyLocale) -> str | None:
    """A moment of the event as the school's clock reads it, in the family's language."""
    try:
        moment = parse_timestamp(value)
    except ValueError:
        return None
    school = payload.get("school") if isinstance(payload.get("school"), Mapping) else {}
    try:
        zone = ZoneInfo(str(school.get("timezone") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc
    local = moment.astimezone(zone)
    return f"{locale.day(local.date())}, {locale.time_of_day(local.time())}"
