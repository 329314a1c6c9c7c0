"""Offering freed seats to a class's waitlist, inside the transaction that frees them, and
passing on offers that lapse or whose registration closes.

Every function here runs in its caller's transaction and takes the class's row lock first
(classes_store.lock_schedule), the lock placements queue on: an offer and a placement never
count the same free seat twice. Lock order stays the placements' one (the registrations,
then the class), because the freeing callers already hold their registration's lock.
"""

from __future__ import annotations

from datetime import datetime

from registrar.adapters import audit_store, classes_store, outbox_store, waitlist_store
from registrar.adapters.json_values import iso_utc
from shared.events import Event, EventType

# Who the history names for offers the system makes and lets lapse.
SYSTEM_ACTOR = "waitlist"


def offer_freed_seats(cursor, school_id: int, schedule_id: int) -> list[int]:
    """Offer each free seat of the class to the next still waiting; the offers' ids."""
    classes_store.lock_schedule(cursor, school_id, schedule_id)
    free = classes_store.seats_left(cursor, school_id, schedule_id)
    made = []
    for waiting in waitlist_store.next_in_line(cursor, school_id, schedule_id, free):
        offer = waitlist_store.create_offer(
            cursor, school_id, schedule_id, waiting["registration_id"]
        )
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=SYSTEM_ACTOR,
            action="seat_offered",
            entity_type="registration",
            entity_id=waiting["registration_id"],
            new_value=str(schedule_id),
            reason=f"offer {offer['id']} until {iso_utc(offer['expires_at'])}",
        )
        outbox_store.enqueue(cursor, _offered_event(cursor, offer, waiting))
        made.append(offer["id"])
    return made


def release_closed_registration(
    cursor, school_id: int, registration_id: int, freed_schedule_id: int | None
) -> None:
    """A registration closed (rejected, withdrawn): it leaves every waitlist, its open offers
    are cancelled, and each seat it held or was offered goes to the next in line. The caller
    holds the registration's lock."""
    freed = set() if freed_schedule_id is None else {freed_schedule_id}
    for offer in waitlist_store.open_offers_of(cursor, school_id, registration_id):
        classes_store.lock_schedule(cursor, school_id, offer["schedule_id"])
        waitlist_store.close_offer(cursor, school_id, offer["id"], waitlist_store.CANCELLED)
        outbox_store.enqueue(cursor, answered_event(EventType.SEAT_DECLINED, offer, "closed"))
        freed.add(offer["schedule_id"])
    for schedule_id in waitlist_store.waitlists_of(cursor, school_id, registration_id):
        waitlist_store.leave(cursor, school_id, schedule_id, registration_id)
    for schedule_id in sorted(freed):
        offer_freed_seats(cursor, school_id, schedule_id)


def pass_on_lapsed_offers(cursor, school_id: int, schedule_id: int, now: datetime) -> int:
    """The class's offers past their time expire (their families leave the list) and their
    seats go to the next in line; how many expired."""
    classes_store.lock_schedule(cursor, school_id, schedule_id)
    lapsed = waitlist_store.lapsed_offers(cursor, school_id, schedule_id, now)
    for offer in lapsed:
        waitlist_store.close_offer(cursor, school_id, offer["id"], waitlist_store.EXPIRED)
        waitlist_store.leave(cursor, school_id, schedule_id, offer["registration_id"])
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=SYSTEM_ACTOR,
            action="seat_offer_expired",
            entity_type="registration",
            entity_id=offer["registration_id"],
            old_value=str(schedule_id),
            reason=f"offer {offer['id']}",
        )
        outbox_store.enqueue(
            cursor,
            answered_event(EventType.SEAT_EXPIRED, offer, expires_at=offer["expires_at"]),
        )
    if lapsed:
        offer_freed_seats(cursor, school_id, schedule_id)
    return len(lapsed)


def answered_event(event_type: str, offer: dict, reason: str | None = None, **extra) -> Event:
    """selfreg.seat.accepted / declined / expired for an offer (aggregate: its registration)."""
    payload = {
        "registration_id": offer["registration_id"],
        "schedule_id": offer["schedule_id"],
        "offer_id": offer["id"],
        **extra,
    }
    if reason is not None:
        payload["reason"] = reason
    return Event.new(event_type, offer["school_id"], offer["registration_id"], payload)


def _offered_event(cursor, offer: dict, waiting: dict) -> Event:
    schedule = waitlist_store.offered_class(cursor, offer["school_id"], offer["schedule_id"])
    return Event.new(
        EventType.SEAT_OFFERED,
        offer["school_id"],
        offer["registration_id"],
        {
            "registration_id": offer["registration_id"],
            "schedule_id": offer["schedule_id"],
            "offer_id": offer["id"],
            "expires_at": offer["expires_at"],
            "class": {
                "name": schedule["name"],
                "teacher_name": schedule["teacher_name"],
                "weekday": schedule["weekday"],
                "start_time": schedule["start_time"],
                "end_time": schedule["end_time"],
                "starts_on": schedule["starts_on"],
            },
            "guardian_email": waiting["guardian_email"],
            "language": waiting["language"],
            "student_first_name": waiting["student_first_name"],
            "student_last_name": waiting["student_last_name"],
        },
    )
