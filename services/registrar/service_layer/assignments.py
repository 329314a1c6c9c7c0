"""Placing a registration in a class: the double-booking rules, applied under the locks that
make them hold when many registrars place students at once, and read-only for warnings.

Locks are always taken in one order, so two placements never wait on each other in a
circle: the registrations of the child (by id), the class, the class's teacher. A class's
seats are counted only after its row is locked, and a teacher's classes only after the
teacher's; whoever held those locks before has committed by then, and no plain read comes
earlier in the transaction, so the counts see every committed placement.
"""

from __future__ import annotations

from datetime import date

from registrar.adapters import audit_store, classes_store, outbox_store, placements_store
from registrar.adapters.registrations_store import (
    lock_child_registrations,
    require_version,
    same_child_ids,
)
from registrar.domain.scheduling import (
    SCHEDULE_FULL,
    STUDENT_DOUBLE_BOOKED,
    WEEKDAYS,
    Conflict,
    StudentPlacement,
    conflicts_for,
    suggest_free_slots,
)
from registrar.service_layer import seat_offers
from shared import errors
from shared.db import transaction
from shared.errors import NotFound
from shared.events import Event, EventType
from shared.registration_status import Status

# Statuses whose registration may be put in (or moved to) a class. A converted student keeps
# the class it had; a rejected registration holds no seat.
PLACEABLE = frozenset({Status.PENDING, Status.IN_REVIEW, Status.NEEDS_INFO, Status.APPROVED})

# Alternatives offered next to a conflict: a short list reads at a glance.
SUGGESTION_LIMIT = 5


class ScheduleConflict(errors.Conflict):
    code = "schedule_conflict"

    def __init__(self, conflicts: list[dict]):
        super().__init__(
            "this placement would double-book: "
            + "; ".join(conflict["message"] for conflict in conflicts),
            details={"conflicts": conflicts},
        )


def assign_class(
    connection,
    school_id: int,
    registration_id: int,
    teacher_id: int,
    schedule_id: int,
    actor: str,
    expected_version: int | None = None,
) -> dict:
    """Place (or move) a registration; raises NotFound, Conflict (registration_closed,
    schedule_archived), InvalidInput, ScheduleConflict (and StaleVersion when
    `expected_version` is given and the registration has moved on)."""
    same_child = same_child_ids(connection, school_id, registration_id)
    with transaction(connection) as cursor:
        registration = lock_child_registrations(cursor, school_id, registration_id, same_child)
        require_version(registration, expected_version)
        return place_locked_registration(
            cursor, school_id, registration, same_child, schedule_id, actor, teacher_id=teacher_id
        )


def place_locked_registration(
    cursor,
    school_id: int,
    registration: dict,
    same_child: list[int],
    schedule_id: int,
    actor: str,
    *,
    teacher_id: int | None = None,
) -> dict:
    """The placement itself, in the caller's transaction, which holds the child's
    registrations' locks (lock_child_registrations): staff placing a student and a family
    taking a seat offer (service_layer.waitlist) go through the same rules here. A seat the
    registration leaves by moving is offered to that class's waitlist."""
    registration_id = registration["id"]
    if registration["status"] not in PLACEABLE:
        raise errors.Conflict(
            f"a {registration['status']} registration cannot be placed in a class",
            code="registration_closed",
            details={"status": registration["status"]},
        )
    locked = classes_store.lock_schedule(cursor, school_id, schedule_id)
    if teacher_id is not None and locked["teacher_id"] != teacher_id:
        _refuse_teacher(cursor, school_id, locked["teacher_id"], teacher_id)
    teacher = classes_store.lock_teacher(cursor, school_id, locked["teacher_id"])
    previous = placements_store.current_schedule_id(cursor, school_id, registration_id)
    schedules = classes_store.schedules_for_placing(cursor, school_id, registration_id)
    chosen = schedules[schedule_id]
    if previous == schedule_id:
        return _answer(registration_id, chosen, previous, changed=False)
    if locked["archived_at"] is not None or teacher["archived_at"] is not None:
        raise errors.Conflict(
            f"{chosen['name']} is archived: it takes no new students", code="schedule_archived"
        )
    conflicts = _conflicts(cursor, school_id, schedules, schedule_id, same_child)
    if conflicts:
        raise ScheduleConflict([_describe(c, schedules) for c in conflicts])
    placements_store.place(cursor, school_id, registration_id, schedule_id, actor)
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action="class_assigned",
        entity_type="registration",
        entity_id=registration_id,
        old_value=None if previous is None else str(previous),
        new_value=str(schedule_id),
        reason=chosen["name"],
    )
    outbox_store.enqueue(cursor, _assigned_event(school_id, registration, chosen, previous))
    if previous is not None:
        seat_offers.offer_freed_seats(cursor, school_id, previous)
    return _answer(registration_id, chosen, previous, changed=True)


def check_assignment(
    connection, school_id: int, registration_id: int, teacher_id: int, schedule_id: int, today: date
) -> dict:
    """The conflicts the placement would meet now, and free alternatives (no locks, no
    writes: the answer may be stale a moment later, which assign_class settles)."""
    same_child = same_child_ids(connection, school_id, registration_id)
    with connection.cursor() as cursor:
        schedule_teacher_id = classes_store.schedule_teacher(cursor, school_id, schedule_id)
        if schedule_teacher_id != teacher_id:
            _refuse_teacher(cursor, school_id, schedule_teacher_id, teacher_id)
        schedules = classes_store.schedules_for_placing(cursor, school_id, registration_id)
        conflicts = _conflicts(cursor, school_id, schedules, schedule_id, same_child)
        slots = [classes_store.class_slot(row) for row in schedules.values()]
        placements = _student_placements(cursor, school_id, schedules, same_child)
        free = suggest_free_slots(
            classes_store.class_slot(schedules[schedule_id]),
            slots,
            placements,
            today,
            len(slots),
        )
    # Archived classes still count in the rules (their students sit there) but are never
    # offered instead.
    offered = [slot for slot in free if not schedules[slot.schedule_id]["archived"]]
    return {
        "conflicts": [_describe(c, schedules) for c in conflicts],
        "suggestions": [
            _suggestion(schedules[slot.schedule_id]) for slot in offered[:SUGGESTION_LIMIT]
        ],
    }


# -- refusals --------------------------------------------------------------------------------


def _refuse_teacher(cursor, school_id: int, schedule_teacher_id: int, teacher_id: int):
    """A class has one teacher, and placing a student with a teacher means in that teacher's
    class: another teacher is refused (404 when not even the school's)."""
    cursor.execute(
        "SELECT id FROM teachers WHERE id = %s AND school_id = %s", (teacher_id, school_id)
    )
    if cursor.fetchone() is None:
        raise NotFound("teacher")
    raise errors.InvalidInput.of_field(
        "teacher_id", f"does not teach this schedule (its teacher is {schedule_teacher_id})"
    )


# -- the rules on the rows ------------------------------------------------------------------


def _student_placements(
    cursor, school_id: int, schedules: dict[int, dict], same_child: list[int]
) -> list[StudentPlacement]:
    placed = placements_store.placements_of(cursor, school_id, same_child)
    return [
        StudentPlacement(registration, classes_store.class_slot(schedules[schedule]))
        for registration, schedule in sorted(placed.items())
    ]


def _conflicts(
    cursor, school_id: int, schedules: dict[int, dict], schedule_id: int, same_child: list[int]
) -> list[Conflict]:
    slots = [classes_store.class_slot(row) for row in schedules.values()]
    return conflicts_for(
        classes_store.class_slot(schedules[schedule_id]),
        slots,
        _student_placements(cursor, school_id, schedules, same_child),
    )


def _describe(conflict: Conflict, schedules: dict[int, dict]) -> dict:
    schedule = schedules[conflict.schedule_id]
    when = f"{WEEKDAYS[schedule['weekday']]} {schedule['start_time']}-{schedule['end_time']}"
    described = {
        "kind": conflict.kind,
        "schedule_id": schedule["id"],
        "schedule_name": schedule["name"],
        "teacher_id": schedule["teacher_id"],
        "teacher_name": schedule["teacher_name"],
        "weekday": schedule["weekday"],
        "start_time": schedule["start_time"],
        "end_time": schedule["end_time"],
        "first_clash_on": conflict.first_clash_on.isoformat() if conflict.first_clash_on else None,
    }
    if conflict.kind == SCHEDULE_FULL:
        described.update(
            capacity=conflict.capacity,
            taken=conflict.taken,
            message=f"{schedule['name']} is full ({conflict.taken} of "
            f"{conflict.capacity} seats taken)",
        )
    elif conflict.kind == STUDENT_DOUBLE_BOOKED:
        described.update(
            registration_id=conflict.registration_id,
            message=f"the student is already in {schedule['name']} ({when}) "
            f"through registration {conflict.registration_id}",
        )
    else:
        described["message"] = (
            f"{schedule['teacher_name']} already teaches {schedule['name']} ({when})"
        )
    return described


def _suggestion(schedule: dict) -> dict:
    keys = (
        "teacher_id",
        "teacher_name",
        "name",
        "program",
        "room",
        "weekday",
        "start_time",
        "end_time",
        "starts_on",
        "ends_on",
        "capacity",
        "seats_left",
    )
    return {"schedule_id": schedule["id"], **{key: schedule[key] for key in keys}}


def _answer(registration_id: int, schedule: dict, previous: int | None, changed: bool) -> dict:
    placement = _suggestion(schedule)
    # `taken` left this registration out; it now holds one of the seats.
    placement["seats_left"] = max(schedule["capacity"] - schedule["taken"] - 1, 0)
    return {
        "registration_id": registration_id,
        "changed": changed,
        "previous_schedule_id": previous,
        "placement": placement,
    }


def _assigned_event(
    school_id: int, registration: dict, schedule: dict, previous: int | None
) -> Event:
    return Event.new(
        EventType.CLASS_ASSIGNED,
        school_id,
        registration["id"],
        {
            "registration_id": registration["id"],
            "schedule_id": schedule["id"],
            "teacher_id": schedule["teacher_id"],
            "previous_schedule_id": previous,
            "schedule_name": schedule["name"],
            "teacher_name": schedule["teacher_name"],
            "program": schedule["program"],
            "room": schedule["room"],
            "weekday": schedule["weekday"],
            "start_time": schedule["start_time"],
            "end_time": schedule["end_time"],
            "starts_on": schedule["starts_on"],
            "ends_on": schedule["ends_on"],
            "guardian_email": registration["guardian_email"],
            "student_first_name": registration["student_first_name"],
            "student_last_name": registration["student_last_name"],
        },
    )
