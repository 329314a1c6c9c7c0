"""Teachers and weekly class schedules in MySQL, for one school at a time (the placements in
them: placements_store).

Every query names the school; an id of another school is simply not found. Rows leave as
plain dicts with ISO dates and HH:MM times, ready for JSON.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from registrar.adapters import audit_store
from registrar.adapters.db_cursor import cursor_from
from registrar.adapters.json_values import clock, iso_date, iso_utc
from registrar.domain.scheduling import ClassSlot, Slot, slot_errors
from shared.errors import InvalidInput, NotFound

# fee_schedules.label is VARCHAR(200): a class's tuition label is cut to fit.
FEE_LABEL_LENGTH = 200

# A schedule's columns as every read of one selects them (s: class_schedules, t: teachers).
SCHEDULE_COLUMNS = (
    "s.id, s.teacher_id, t.name AS teacher_name, s.name, s.program, s.room, s.weekday, "
    "s.start_time, s.end_time, s.starts_on, s.ends_on, s.capacity"
)

# Seats a class has given away: placements of registrations still in play (a rejected
# registration holds no seat) and seats held by open offers to its waitlist, leaving out the
# registration being placed, whose seat moves (or whose offer it is taking). Two parameters,
# both that registration's id.
_TAKEN = (
    "((SELECT COUNT(*) FROM class_placements p JOIN student_self_registrations r "
    "ON r.id = p.registration_id AND r.school_id = p.school_id "
    "WHERE p.school_id = s.school_id AND p.schedule_id = s.id AND r.status <> 'rejected' "
    "AND p.registration_id <> %s) + "
    "(SELECT COUNT(*) FROM seat_offers o WHERE o.school_id = s.school_id "
    "AND o.schedule_id = s.id AND o.state = 'open' AND o.registration_id <> %s))"
)


# -- teachers -------------------------------------------------------------------------------


def create_teacher(cursor, school_id: int, name: str, email: str | None, actor: str) -> int:
    cursor.execute(
        "INSERT INTO teachers (school_id, name, email, created_at) "
        "VALUES (%s, %s, %s, UTC_TIMESTAMP(6))",
        (school_id, name, email),
    )
    teacher_id = cursor.lastrowid
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action="teacher_created",
        entity_type="teacher",
        entity_id=teacher_id,
        new_value=name[: audit_store.VALUE_LENGTH],
    )
    return teacher_id


def lock_teacher(cursor, school_id: int, teacher_id: int) -> dict:
    """The teacher, locked: every placement in any of a teacher's classes takes this lock
    (right after its class's), which keeps a teacher out of two clashing classes even when
    two registrars place students at the same moment."""
    cursor.execute(
        "SELECT id, name, archived_at FROM teachers WHERE id = %s AND school_id = %s FOR UPDATE",
        (teacher_id, school_id),
    )
    return _found(cursor.fetchone(), "teacher")


# -- schedules ------------------------------------------------------------------------------


def create_schedule(cursor, school_id: int, fields: dict, actor: str) -> int:
    """Insert a schedule (and its fee, when given); raises NotFound for a teacher that is not
    the school's and InvalidInput for a slot that cannot be."""
    cursor.execute(
        "SELECT id FROM teachers WHERE id = %s AND school_id = %s",
        (fields["teacher_id"], school_id),
    )
    _found(cursor.fetchone(), "teacher")
    slot = Slot(
        fields["weekday"],
        fields["start_time"],
        fields["end_time"],
        fields["starts_on"],
        fields["ends_on"],
    )
    errors = slot_errors(slot, fields["capacity"])
    if errors:
        raise InvalidInput("some fields are invalid", details={"fields": errors})
    cursor.execute(
        "INSERT INTO class_schedules (school_id, teacher_id, name, program, room, weekday, "
        "start_time, end_time, starts_on, ends_on, capacity, created_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, UTC_TIMESTAMP(6))",
        (
            school_id,
            fields["teacher_id"],
            fields["name"],
            fields.get("program"),
            fields.get("room"),
            slot.weekday,
            slot.start,
            slot.end,
            slot.starts_on,
            slot.ends_on,
            fields["capacity"],
        ),
    )
    schedule_id = cursor.lastrowid
    if fields.get("fee_minor") is not None:
        cursor.execute(
            "INSERT INTO fee_schedules (school_id, schedule_id, label, amount_minor, created_at) "
            "VALUES (%s, %s, %s, %s, UTC_TIMESTAMP(6))",
            (
                school_id,
                schedule_id,
                f"Tuition: {fields['name']}"[:FEE_LABEL_LENGTH],
                fields["fee_minor"],
            ),
        )
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action="schedule_created",
        entity_type="schedule",
        entity_id=schedule_id,
        new_value=fields["name"][: audit_store.VALUE_LENGTH],
    )
    return schedule_id


def programs_offered(cursor_or_connection, school_id: int) -> list[str]:
    """The programs of the school's classes that have not ended, by name (the family's form
    offers these)."""
    with cursor_from(cursor_or_connection) as cursor:
        cursor.execute(
            "SELECT DISTINCT program FROM class_schedules WHERE school_id = %s "
            "AND program IS NOT NULL AND ends_on >= UTC_DATE() ORDER BY program",
            (school_id,),
        )
        return [row["program"] for row in cursor.fetchall()]


def lock_schedule(cursor, school_id: int, schedule_id: int) -> dict:
    """The schedule row alone, locked: placements in one class queue here for its seats.
    (Its teacher is locked separately, after it, so every placement takes locks in the same
    order.)"""
    cursor.execute(
        "SELECT id, teacher_id, archived_at FROM class_schedules "
        "WHERE id = %s AND school_id = %s FOR UPDATE",
        (schedule_id, school_id),
    )
    return _found(cursor.fetchone(), "schedule")


def seats_left(cursor, school_id: int, schedule_id: int) -> int:
    """The class's seats neither placed nor held by an offer (the caller holds its lock)."""
    cursor.execute(
        f"SELECT s.capacity, {_TAKEN} AS taken FROM class_schedules s "
        "WHERE s.id = %s AND s.school_id = %s",
        (0, 0, schedule_id, school_id),
    )
    row = _found(cursor.fetchone(), "schedule")
    return max(row["capacity"] - int(row["taken"]), 0)


def seats_taken(cursor, school_id: int, schedule_id: int) -> int:
    """The class's seats placed or held by an offer (the caller holds its lock)."""
    cursor.execute(
        f"SELECT {_TAKEN} AS taken FROM class_schedules s WHERE s.id = %s AND s.school_id = %s",
        (0, 0, schedule_id, school_id),
    )
    return int(_found(cursor.fetchone(), "schedule")["taken"])


def schedule_teacher(cursor, school_id: int, schedule_id: int) -> int:
    cursor.execute(
        "SELECT teacher_id FROM class_schedules WHERE id = %s AND school_id = %s",
        (schedule_id, school_id),
    )
    return _found(cursor.fetchone(), "schedule")["teacher_id"]


def schedules_for_placing(cursor, school_id: int, registration_id: int) -> dict[int, dict]:
    """Every class of the school with the seats others hold, by id (what the conflict rules
    and the suggestions look at); `archived` when it or its teacher is no longer offered."""
    cursor.execute(
        f"SELECT {SCHEDULE_COLUMNS}, {_TAKEN} AS taken, "
        "(s.archived_at IS NOT NULL OR t.archived_at IS NOT NULL) AS archived "
        "FROM class_schedules s "
        "JOIN teachers t ON t.id = s.teacher_id AND t.school_id = s.school_id "
        "WHERE s.school_id = %s",
        (registration_id, registration_id, school_id),
    )
    return {row["id"]: schedule_answer(row) for row in cursor.fetchall()}


def class_slot(schedule_row: dict) -> ClassSlot:
    return ClassSlot(
        schedule_row["id"],
        schedule_row["teacher_id"],
        Slot(
            schedule_row["weekday"],
            time.fromisoformat(schedule_row["start_time"]),
            time.fromisoformat(schedule_row["end_time"]),
            date.fromisoformat(schedule_row["starts_on"]),
            date.fromisoformat(schedule_row["ends_on"]),
        ),
        schedule_row["capacity"],
        schedule_row.get("taken", 0),
        schedule_row["program"],
    )


# -- demo data ------------------------------------------------------------------------------


def seed_demo(cursor, school_id: int) -> dict:
    """Two teachers and four classes for a demo school (with tuition fees, so approvals can
    invoice); returns their ids. Meant for a fresh school: it does not look for duplicates."""
    term_start = date.today() - timedelta(days=date.today().weekday())
    term_end = term_start + timedelta(weeks=16) - timedelta(days=1)
    actor = "demo-seed"
    teachers = {
        name: create_teacher(cursor, school_id, name, email, actor)
        for name, email in (
            ("Grace Hopper", "grace.hopper@example.edu"),
            ("Alan Turing", "alan.turing@example.edu"),
        )
    }
    schedules = {}
    for name, teacher, program, weekday, start, end, capacity, fee in (
        ("Piano for beginners", "Grace Hopper", "music", 0, "16:00", "17:00", 8, 18000),
        ("Piano, intermediate", "Grace Hopper", "music", 2, "16:00", "17:00", 6, 21000),
        ("Chess club", "Alan Turing", "chess", 0, "16:30", "18:00", 12, 12000),
        ("Robotics", "Alan Turing", "stem", 3, "15:00", "16:30", 10, 25000),
    ):
        schedules[name] = create_schedule(
            cursor,
            school_id,
            {
                "teacher_id": teachers[teacher],
                "name": name,
                "program": program,
                "room": None,
                "weekday": weekday,
                "start_time": time.fromisoformat(start),
                "end_time": time.fromisoformat(end),
                "starts_on": term_start,
                "ends_on": term_end,
                "capacity": capacity,
                "fee_minor": fee,
            },
            actor,
        )
    return {"teachers": teachers, "schedules": schedules}


# -- rows to dicts --------------------------------------------------------------------------


def _found(row: dict | None, what: str) -> dict:
    if row is None:
        raise NotFound(what)
    return row


def schedule_answer(row: dict) -> dict:
    """A schedule row (SCHEDULE_COLUMNS, maybe with a placement's) ready for JSON."""
    out = dict(row)
    for column in ("start_time", "end_time"):
        out[column] = clock(row[column])
    for column in ("starts_on", "ends_on"):
        out[column] = iso_date(row[column])
    if "placed_at" in out:
        out["placed_at"] = iso_utc(row["placed_at"])
    if "taken" in out:
        out["taken"] = out["seats_taken"] = int(row["taken"])
        out["seats_left"] = max(row["capacity"] - out["taken"], 0)
    for column in ("archived_at", "teacher_archived_at"):
        if column in out:
            out[column] = iso_utc(row[column])
    if "archived" in out:
        out["archived"] = bool(row["archived"])
    if "waitlist_length" in out:
        out["waitlist_length"] = int(row["waitlist_length"])
    if "fee_minor" in out and out["fee_minor"] is not None:
        out["fee_minor"] = int(out["fee_minor"])
    return out
