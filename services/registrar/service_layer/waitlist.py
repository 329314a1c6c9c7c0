"""A full class's waitlist: staff adding a registration to it and taking one out of a class,
and a family answering the seat offer it was made (service_layer.seat_offers makes them).

Accepting goes through the staff placement's own rules and locks
(assignments.place_locked_registration): the child's registrations, then the class, then
the offer. Twenty families or registrars pressing at once for one seat queue on the class's
row lock, and the first to hold it takes the seat; the others then see it taken.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from registrar.adapters import (
    audit_store,
    classes_store,
    outbox_store,
    placements_store,
    waitlist_store,
)
from registrar.adapters.registrations_store import lock_child_registrations, same_child_ids
from registrar.service_layer import seat_offers
from registrar.service_layer.assignments import PLACEABLE, place_locked_registration
from shared import errors
from shared.db import transaction
from shared.errors import NotFound
from shared.events import Event, EventType


class SeatsAvailable(errors.Conflict):
    code = "seats_available"

    def __init__(self, seats_left: int):
        super().__init__(
            f"the class has {seats_left} free seat(s): assign the class instead",
            details={"seats_left": seats_left},
        )


class OfferNotOpen(errors.Conflict):
    code = "offer_not_open"

    def __init__(self, state: str):
        super().__init__(f"this seat offer is {state}", details={"state": state})


def add_to_waitlist(
    connection, school_id: int, registration_id: int, schedule_id: int, actor: str
) -> dict:
    """Put the registration at the end of a full class's list ({"position": N}); already on
    it answers its position. Raises NotFound, Conflict registration_closed / already_placed /
    schedule_archived, SeatsAvailable."""
    same_child = same_child_ids(connection, school_id, registration_id)
    with transaction(connection) as cursor:
        registration = lock_child_registrations(cursor, school_id, registration_id, same_child)
        _require_open(registration)
        schedule = classes_store.lock_schedule(cursor, school_id, schedule_id)
        position = waitlist_store.position_of(cursor, school_id, schedule_id, registration_id)
        if position is not None:
            return {"position": position}
        # An archived class (or a class of an archived teacher) takes no new students, so a
        # place on its list would never turn into a seat.
        teacher = classes_store.lock_teacher(cursor, school_id, schedule["teacher_id"])
        if schedule["archived_at"] is not None or teacher["archived_at"] is not None:
            raise errors.Conflict(
                "the class is archived: it takes no new students", code="schedule_archived"
            )
        if placements_store.current_schedule_id(cursor, school_id, registration_id) == (
            schedule_id
        ):
            raise errors.Conflict(
                "the registration already sits in this class", code="already_placed"
            )
        seats_left = classes_store.seats_left(cursor, school_id, schedule_id)
        if seats_left > 0:
            raise SeatsAvailable(seats_left)
        waitlist_store.add(cursor, school_id, schedule_id, registration_id, actor)
        position = waitlist_store.position_of(cursor, school_id, schedule_id, registration_id)
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=actor,
            action="waitlisted",
            entity_type="registration",
            entity_id=registration_id,
            new_value=str(schedule_id),
            reason=f"position {position}",
        )
        outbox_store.enqueue(
            cursor, _waitlisted_event(cursor, school_id, registration, schedule_id, position)
        )
    return {"position": position}


def class_waitlist(connection, school_id: int, schedule_id: int) -> list[dict]:
    with connection.cursor() as cursor:
        classes_store.schedule_teacher(cursor, school_id, schedule_id)  # NotFound
        return waitlist_store.class_waitlist(cursor, school_id, schedule_id)


def unassign_class(connection, school_id: int, registration_id: int, actor: str) -> dict:
    """Take the registration out of its class; the seat goes to the class's waitlist in the
    same transaction. A registration in no class answers so (nothing changes)."""
    with transaction(connection) as cursor:
        lock_child_registrations(cursor, school_id, registration_id, [])
        freed = placements_store.unplace(cursor, school_id, registration_id)
        offers = []
        if freed is not None:
            audit_store.record(
                cursor,
                school_id=school_id,
                actor=actor,
                action="class_unassigned",
                entity_type="registration",
                entity_id=registration_id,
                old_value=str(freed),
            )
            offers = seat_offers.offer_freed_seats(cursor, school_id, freed)
    return {"registration_id": registration_id, "freed_schedule_id": freed, "offers": offers}


def accept_offer(
    connection,
    school_id: int,
    registration_id: int,
    offer_id: int,
    now: datetime,
    actor: str,
    *,
    check_registration: Callable[[dict], None] = lambda registration: None,
) -> dict:
    """The family takes its offered seat: placed as a registrar would place it (the same
    conflicts refuse it). Raises NotFound, OfferNotOpen (answered, expired, or past its
    time), ScheduleConflict, Conflict registration_closed."""
    same_child = same_child_ids(connection, school_id, registration_id)
    with transaction(connection) as cursor:
        registration = lock_child_registrations(cursor, school_id, registration_id, same_child)
        check_registration(registration)
        offer = _locked_open_offer(cursor, school_id, registration_id, offer_id, now)
        placed = place_locked_registration(
            cursor, school_id, registration, same_child, offer["schedule_id"], actor
        )
        waitlist_store.close_offer(cursor, school_id, offer_id, waitlist_store.ACCEPTED)
        waitlist_store.leave(cursor, school_id, offer["schedule_id"], registration_id)
        _record_answer(cursor, offer, actor, "seat_offer_accepted")
        outbox_store.enqueue(cursor, seat_offers.answered_event(EventType.SEAT_ACCEPTED, offer))
    return placed


def decline_offer(
    connection,
    school_id: int,
    registration_id: int,
    offer_id: int,
    now: datetime,
    actor: str,
    *,
    check_registration: Callable[[dict], None] = lambda registration: None,
) -> list[int]:
    """The family passes: it leaves the list and the seat goes to the next in line (the
    new offers' ids). Raises NotFound, OfferNotOpen."""
    with transaction(connection) as cursor:
        registration = lock_child_registrations(cursor, school_id, registration_id, [])
        check_registration(registration)
        offer = _locked_open_offer(cursor, school_id, registration_id, offer_id, now)
        waitlist_store.close_offer(cursor, school_id, offer_id, waitlist_store.DECLINED)
        waitlist_store.leave(cursor, school_id, offer["schedule_id"], registration_id)
        _record_answer(cursor, offer, actor, "seat_offer_declined")
        outbox_store.enqueue(
            cursor, seat_offers.answered_event(EventType.SEAT_DECLINED, offer, "declined")
        )
        return seat_offers.offer_freed_seats(cursor, school_id, offer["schedule_id"])


def expire_offers(connection, now: datetime, school_id: int | None = None) -> int:
    """Every open offer past its time at `now` expires and passes to the next in line, one
    class per transaction; how many expired."""
    now = utc_naive(now)
    with connection.cursor() as cursor:
        classes = waitlist_store.classes_with_lapsed_offers(cursor, now, school_id)
    expired = 0
    for lapsed in classes:
        with transaction(connection) as cursor:
            expired += seat_offers.pass_on_lapsed_offers(
                cursor, lapsed["school_id"], lapsed["schedule_id"], now
            )
    return expired


# -- the rules on the rows ------------------------------------------------------------------


def utc_naive(moment: datetime) -> datetime:
    """A moment as the DATETIME columns hold it: UTC, without a zone."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _require_open(registration: dict) -> None:
    if registration["status"] not in PLACEABLE:
        raise errors.Conflict(
            f"a {registration['status']} registration cannot wait for a class",
            code="registration_closed",
            details={"status": registration["status"]},
        )


def _locked_open_offer(
    cursor, school_id: int, registration_id: int, offer_id: int, now: datetime
) -> dict:
    """The offer, with its class locked first (the order every placement takes)."""
    offer = waitlist_store.offer(cursor, school_id, offer_id)
    if offer is None or offer["registration_id"] != registration_id:
        raise NotFound("seat offer")
    classes_store.lock_schedule(cursor, school_id, offer["schedule_id"])
    offer = waitlist_store.offer(cursor, school_id, offer_id, lock=True)
    if offer["state"] != waitlist_store.OPEN:
        raise OfferNotOpen(offer["state"])
    if offer["expires_at"] <= utc_naive(now):
        raise OfferNotOpen(waitlist_store.EXPIRED)
    return offer


def _record_answer(cursor, offer: dict, actor: str, action: str) -> None:
    audit_store.record(
        cursor,
        school_id=offer["school_id"],
        actor=actor,
        action=action,
        entity_type="registration",
        entity_id=offer["registration_id"],
        new_value=str(offer["schedule_id"]),
        reason=f"offer {offer['id']}",
    )


def _waitlisted_event(
    cursor, school_id: int, registration: dict, schedule_id: int, position: int
) -> Event:
    language = waitlist_store.registration_language(cursor, school_id, registration["id"])
    return Event.new(
        EventType.WAITLISTED,
        school_id,
        registration["id"],
        {
            "registration_id": registration["id"],
            "schedule_id": schedule_id,
            "position": position,
            "guardian_email": registration["guardian_email"],
            "language": language,
            "student_first_name": registration["student_first_name"],
            "student_last_name": registration["student_last_name"],
        },
    )
