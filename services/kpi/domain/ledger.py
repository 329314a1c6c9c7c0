"""Which event moves which figure, on which local day: an event becomes one LedgerEntry, the
row the KPI service keeps per event and rebuilds any day from.

An event whose content no retry can fix (a negative amount, a date that does not parse) is
refused with MalformedEvent; an event in another currency than its school's is refused with
CurrencyMismatch, which is retried (the school's change may not have arrived yet).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Iterable, Mapping

from shared.events import Event, EventType, MalformedEvent
from shared.local_days import UnknownTimeZone, as_utc, local_day, zone
from shared.registration_status import Status


class Kind(str, Enum):
    LEAD = "lead"
    REVIEW = "review"
    INFO_REQUEST = "info_request"
    APPROVAL = "approval"
    REJECTION = "rejection"
    ENROLLMENT = "enrollment"
    INVOICED = "invoiced"
    COLLECTED = "collected"
    AUTOPAY = "autopay"
    WITHDRAWAL = "withdrawal"


MARKETING_KINDS = frozenset(
    {
        Kind.LEAD,
        Kind.REVIEW,
        Kind.INFO_REQUEST,
        Kind.APPROVAL,
        Kind.REJECTION,
        Kind.ENROLLMENT,
        Kind.WITHDRAWAL,
    }
)
REVENUE_KINDS = frozenset({Kind.INVOICED, Kind.COLLECTED, Kind.AUTOPAY})
DECISION_KINDS = frozenset({Kind.APPROVAL, Kind.REJECTION})

# A status change into one of these counts on the day it happened. A move to `converted` is
# counted from selfreg.converted instead: the registrar emits both events for one conversion.
STATUS_KINDS: Mapping[str, Kind] = {
    Status.IN_REVIEW: Kind.REVIEW,
    Status.NEEDS_INFO: Kind.INFO_REQUEST,
    Status.APPROVED: Kind.APPROVAL,
    Status.REJECTED: Kind.REJECTION,
    # A family's withdrawal is not a decision: it counts, but moves no time to decision.
    Status.WITHDRAWN: Kind.WITHDRAWAL,
}

# Event type -> (kind, the payload field that dates it; the envelope's occurred_at otherwise).
_DATED_BY: Mapping[str, tuple[Kind | None, str | None]] = {
    EventType.SUBMITTED: (Kind.LEAD, "submitted_at"),
    EventType.STATUS_UPDATED: (None, None),  # the kind depends on to_status
    EventType.CONVERTED: (Kind.ENROLLMENT, None),
    EventType.INVOICE_ISSUED: (Kind.INVOICED, "issued_at"),
    EventType.INVOICE_PAID: (Kind.COLLECTED, "paid_at"),
    EventType.AUTOPAY_ENROLLED: (Kind.AUTOPAY, "accepted_at"),
}

# Lead sources are free text from the public form: folded to one spelling, bounded in length
# (the column's), and "unspecified" when none was given.
UNSPECIFIED_SOURCE = "unspecified"
SOURCE_LENGTH = 64


class CurrencyMismatch(Exception):
    """An amount in another currency than its school's (retried: the school may be changing)."""


@dataclass(frozen=True)
class School:
    """What the KPI service knows of a school: enough to place and price its events."""

    school_id: int
    timezone: str
    currency: str


@dataclass(frozen=True)
class SchoolProfile:
    """A school as a school.created / school.updated event describes it."""

    school_id: int
    name: str
    slug: str
    timezone: str
    currency: str
    changed_at: datetime  # naive UTC: the event's occurred_at, so older news never wins


@dataclass(frozen=True)
class LedgerEntry:
    event_id: str
    school_id: int
    day: date  # the school's local day of occurred_at
    kind: Kind
    occurred_at: datetime  # naive UTC
    registration_id: int | None = None
    invoice_id: int | None = None
    source: str | None = None
    amount_minor: int | None = None
    currency: str | None = None


def moves_a_figure(event: Event) -> bool:
    """Whether the event can change a figure (others are acknowledged and ignored); a status
    change whose new status is not even a string is refused with MalformedEvent."""
    if event.event_type == EventType.STATUS_UPDATED:
        to_status = event.payload["to_status"]
        if not isinstance(to_status, str):
            raise MalformedEvent(
                f"selfreg.status.updated to_status must be a string, got {to_status!r}"
            )
        return to_status in STATUS_KINDS
    return event.event_type in _DATED_BY


def ledger_entry(event: Event, school: School) -> LedgerEntry:
    """The entry of an event that moves a figure (see moves_a_figure), placed on its local day."""
    kind, dated_by = _DATED_BY[event.event_type]
    if kind is None:
        kind = STATUS_KINDS[event.payload["to_status"]]
    payload = event.payload
    moment = _moment(event, dated_by)
    # The canonical spelling, as in the inbox: one UUID written two ways is one event.
    entry = dict(
        event_id=str(uuid.UUID(event.event_id)),
        school_id=event.school_id,
        day=local_day(moment, zone(school.timezone)),
        kind=kind,
        occurred_at=moment.replace(tzinfo=None),
        registration_id=_identifier(event, "registration_id"),
    )
    if kind is Kind.LEAD:
        entry["source"] = lead_source(payload.get("source"))
    if kind in REVENUE_KINDS:
        entry["invoice_id"] = _identifier(event, "invoice_id")
        _same_school(event)
    if kind in (Kind.INVOICED, Kind.COLLECTED):
        entry["amount_minor"] = _amount(event)
        entry["currency"] = _currency(event, school)
    elif kind is Kind.AUTOPAY:
        entry["currency"] = school.currency
    return LedgerEntry(**entry)


def lead_source(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        return UNSPECIFIED_SOURCE
    return raw.strip().lower()[:SOURCE_LENGTH]


def newest_profiles(profiles: Iterable[SchoolProfile]) -> list[SchoolProfile]:
    """One profile per school: the newest (on a tie the later one, as applying them one after
    another would leave it), in school order. What the directory ends up holding does not
    change; a batch that repeats its schools' snapshot on every event writes each school once."""
    newest: dict[int, SchoolProfile] = {}
    for profile in profiles:
        kept = newest.get(profile.school_id)
        if kept is None or profile.changed_at >= kept.changed_at:
            newest[profile.school_id] = profile
    return [newest[school_id] for school_id in sorted(newest)]


def school_profile(event: Event) -> SchoolProfile:
    """The directory entry a school event carries; MalformedEvent when it is unusable."""
    payload = event.payload
    if payload["school_id"] != event.school_id:
        raise MalformedEvent(
            f"{event.event_type} payload school_id {payload['school_id']!r} "
            f"is not the envelope's {event.school_id}"
        )
    for field in ("name", "slug"):
        if not isinstance(payload[field], str) or not payload[field].strip():
            raise MalformedEvent(f"{event.event_type} {field} must be a non-empty string")
    try:
        zone(payload["timezone"])
    except UnknownTimeZone as exc:
        raise MalformedEvent(f"{event.event_type} timezone: {exc}") from None
    return SchoolProfile(
        event.school_id,
        payload["name"],
        payload["slug"],
        payload["timezone"],
        _currency_code(event, payload["currency"]),
        as_utc(event.occurred_at).replace(tzinfo=None),
    )


# -- payload fields ------------------------------------------------------------------------


def _moment(event: Event, field: str | None) -> datetime:
    value = event.payload.get(field) if field else None
    if value is None:
        return as_utc(event.occurred_at)
    if not isinstance(value, str):
        raise MalformedEvent(f"{event.event_type} {field} must be an ISO 8601 string")
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise MalformedEvent(
            f"{event.event_type} {field} {value!r} is not an ISO 8601 time"
        ) from None


def _identifier(event: Event, field: str) -> int:
    value = event.payload.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise MalformedEvent(
            f"{event.event_type} {field} must be a positive integer, got {value!r}"
        )
    return value


def _amount(event: Event) -> int:
    value = event.payload["amount_minor"]
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedEvent(
            f"{event.event_type} amount_minor must be an integer in minor units, got {value!r}"
        )
    if value < 0:
        raise MalformedEvent(f"{event.event_type} amount_minor must not be negative, got {value}")
    return value


def _currency_code(event: Event, value: Any) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha() or not value.isupper():
        raise MalformedEvent(f"{event.event_type} currency must be an ISO 4217 code, got {value!r}")
    return value


def _currency(event: Event, school: School) -> str:
    currency = _currency_code(event, event.payload["currency"])
    if currency != school.currency:
        raise CurrencyMismatch(
            f"{event.event_type} in {currency}, but school "
            f"{school.school_id} bills in {school.currency}"
        )
    return currency


def _same_school(event: Event) -> None:
    """invoice.autopay.enrolled may repeat the school in its payload: it must agree."""
    named = event.payload.get("school_id")
    if named is not None and named != event.school_id:
        raise MalformedEvent(
            f"{event.event_type} payload school_id {named!r} is not the "
            f"envelope's {event.school_id}"
        )
