"""One event into the dashboard's tables, inside the consumer's transaction.

School events (and the school snapshot registration events carry) keep the directory;
registration events move a registration's state and the daily status counts; invoice events
record issues and payments. Content no retry can fix raises MalformedEvent (dead-lettered).
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any, Callable

from dashboard.adapters import invoice_store, registration_store, school_store, seat_offer_store
from dashboard.domain import registration_state
from dashboard.domain.rail import due_at
from dashboard.domain.registration_state import MAX_STATUS_LENGTH, Observation
from shared.events import (
    Event,
    EventType,
    MalformedEvent,
    parse_timestamp,
    school_event_from_snapshot,
)
from shared.local_days import UnknownTimeZone, local_day, zone
from shared.registration_status import Status


def fold_event(cursor, event: Event, invoice_due_days: int) -> None:
    # A registration or invoice event carries its school's snapshot (a school event is none).
    implied = school_event_from_snapshot(event)
    if implied is not None:
        school_store.record_school(cursor, implied)
    fold = FOLDS.get(event.event_type)
    if fold is not None:  # invoice.autopay.enrolled changes nothing here beyond the school
        fold(cursor, event, invoice_due_days)
    offer_fold = SEAT_OFFER_FOLDS.get(event.event_type)
    if offer_fold is not None:
        offer_fold(cursor, event, invoice_due_days)


def observation_of(event: Event) -> Observation:
    """What a selfreg.* event says about its registration."""
    payload = event.payload
    status, since, submitted_at = None, None, None
    if event.event_type == EventType.SUBMITTED:
        status = payload["status"]
        submitted_at = _moment(event, "submitted_at") or event.occurred_at
        since = submitted_at
    elif event.event_type == EventType.STATUS_UPDATED:
        status = payload["to_status"]
    elif event.event_type == EventType.CONVERTED:
        status = Status.CONVERTED
    elif event.event_type == EventType.INFO_PROVIDED:
        # The family's answer always returns the registration to review, so the rail's
        # "unanswered" item clears even if this event is folded before the status change.
        status = Status.IN_REVIEW
    if status is not None and (
        not isinstance(status, str) or not status or len(status) > MAX_STATUS_LENGTH
    ):
        raise MalformedEvent(f"{event.event_type} carries an unusable status {status!r}")
    return Observation(
        at=event.occurred_at,
        status=status,
        since=since,
        student_name=registration_state.student_name(
            payload.get("student_first_name"), payload.get("student_last_name")
        ),
        submitted_at=submitted_at,
    )


def _fold_school(cursor, event: Event, _invoice_due_days: int) -> None:
    school_store.record_school(cursor, event)


def registration_id_of(event: Event) -> int:
    return _id(event, "registration_id")


def _fold_registration(cursor, event: Event, _invoice_due_days: int) -> None:
    registration_id = registration_id_of(event)
    current = registration_store.lock_state(cursor, event.school_id, registration_id)
    applied = registration_state.apply(current, observation_of(event))
    if applied.state != current:
        registration_store.save_state(cursor, event.school_id, registration_id, applied.state)
    if applied.moved is not None:
        left, entered = applied.moved
        day = school_day(school_store.school_timezone(cursor, event.school_id), event)
        registration_store.record_move(cursor, event.school_id, day, left, entered)


def _fold_issued(cursor, event: Event, invoice_due_days: int) -> None:
    payload = event.payload
    issued_at = _moment(event, "issued_at") or event.occurred_at
    amount = payload.get("amount_minor")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise MalformedEvent(f"invoice.issued amount_minor must be an integer, got {amount!r}")
    invoice_store.record_issued(
        cursor,
        invoice_store.IssuedInvoice(
            school_id=event.school_id,
            invoice_id=_id(event, "invoice_id"),
            registration_id=_id(event, "registration_id"),
            number=_text(payload.get("number"), 40),
            amount_minor=amount,
            currency=_text(payload.get("currency"), 3),
            student_name=registration_state.student_name(
                payload.get("student_first_name"), payload.get("student_last_name")
            ),
            issued_at=issued_at,
            due_at=due_at(issued_at, _stated_due(event), invoice_due_days),
        ),
    )


def _fold_paid(cursor, event: Event, _invoice_due_days: int) -> None:
    invoice_store.record_paid(
        cursor,
        event.school_id,
        _id(event, "invoice_id"),
        _id(event, "registration_id"),
        _moment(event, "paid_at") or event.occurred_at,
    )


def _fold_seat_offered(cursor, event: Event, _invoice_due_days: int) -> None:
    seat_offer_store.record_offered(
        cursor,
        event.school_id,
        _id(event, "offer_id"),
        _id(event, "registration_id"),
        _id(event, "schedule_id"),
        event.occurred_at,
        _moment(event, "expires_at"),
    )


def _fold_seat_answered(cursor, event: Event, _invoice_due_days: int) -> None:
    """Accepted, declined or expired: the offer leaves the rail."""
    seat_offer_store.record_closed(
        cursor,
        event.school_id,
        _id(event, "offer_id"),
        _id(event, "registration_id"),
        event.occurred_at,
    )


# Every selfreg.* event may carry the student's name; the status events also move the
# registration.
REGISTRATION_EVENTS = frozenset(
    {
        EventType.SUBMITTED,
        EventType.STATUS_UPDATED,
        EventType.CONVERTED,
        EventType.CLASS_ASSIGNED,
        EventType.WELCOME_REQUESTED,
        EventType.FAMILY_LINK_REQUESTED,
        EventType.INFO_PROVIDED,
        EventType.WAITLISTED,
        EventType.SEAT_OFFERED,
        EventType.SEAT_ACCEPTED,
        EventType.SEAT_DECLINED,
        EventType.SEAT_EXPIRED,
    }
)
# Event type -> what it does to the dashboard's tables besides the registration's state.
# Types in neither (and invoice.autopay.enrolled) change nothing beyond the school snapshot.
OTHER_FOLDS: dict[str, Callable[[Any, Event, int], None]] = {
    EventType.SCHOOL_CREATED: _fold_school,
    EventType.SCHOOL_UPDATED: _fold_school,
    EventType.INVOICE_ISSUED: _fold_issued,
    EventType.INVOICE_PAID: _fold_paid,
}
FOLDS: dict[str, Callable[[Any, Event, int], None]] = {
    **{event_type: _fold_registration for event_type in REGISTRATION_EVENTS},
    **OTHER_FOLDS,
}

# Seat offer events also keep the rail's open offers (after their registration's fold).
SEAT_OFFER_FOLDS: dict[str, Callable[[Any, Event, int], None]] = {
    EventType.SEAT_OFFERED: _fold_seat_offered,
    EventType.SEAT_ACCEPTED: _fold_seat_answered,
    EventType.SEAT_DECLINED: _fold_seat_answered,
    EventType.SEAT_EXPIRED: _fold_seat_answered,
}


def school_day(name: str | None, event: Event) -> date:
    """The event's day in its school's time zone `name` (UTC while the school is unknown)."""
    try:
        return (
            local_day(event.occurred_at, zone(name))
            if name
            else event.occurred_at.astimezone(timezone.utc).date()
        )
    except UnknownTimeZone:
        return event.occurred_at.astimezone(timezone.utc).date()


def _stated_due(event: Event) -> datetime | None:
    """A due time the payload states: `due_at` (a time) or `due_on` (a date: due by its end,
    in UTC)."""
    stated = _moment(event, "due_at")
    if stated is not None:
        return stated
    text = event.payload.get("due_on")
    if text in (None, ""):
        return None
    try:
        return datetime.combine(date.fromisoformat(str(text)), time.max, tzinfo=timezone.utc)
    except ValueError:
        raise MalformedEvent(f"{event.event_type} due_on {text!r} is not a date") from None


def _moment(event: Event, field: str) -> datetime | None:
    value = event.payload.get(field)
    if value in (None, ""):
        return None
    try:
        return parse_timestamp(value)
    except MalformedEvent as exc:
        raise MalformedEvent(f"{event.event_type} {field}: {exc}") from None


def _id(event: Event, field: str) -> int:
    value: Any = event.payload.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MalformedEvent(
            f"{event.event_type} {field} must be a positive integer, got {value!r}"
        )
    return value


def _text(value: object, limit: int) -> str | None:
    return None if value in (None, "") else str(value)[:limit]
