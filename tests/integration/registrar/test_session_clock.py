"""A session's clock moved back (shared.db.session_clock) dates what the registrar writes then:
its rows, the triggers' events and the events its use cases enqueue."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from registrar.service_layer.lead_status import change_status
from shared.db import session_clock
from tests.support.factories import create_registration, create_school

MOMENT = datetime(2026, 3, 4, 10, 15, 30, 250000)


def _scalar(connection, sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return next(iter(cursor.fetchone().values()))


def test_the_database_clock_reads_the_moment_inside_the_block(registrar_db):
    with session_clock(registrar_db, MOMENT):
        inside = _scalar(registrar_db, "SELECT UTC_TIMESTAMP(6)")

    assert inside == MOMENT


def test_the_clock_runs_again_after_the_block(registrar_db):
    with session_clock(registrar_db, MOMENT):
        pass

    after = _scalar(registrar_db, "SELECT UTC_TIMESTAMP(6)")

    assert abs(after - datetime.now(timezone.utc).replace(tzinfo=None)) < timedelta(minutes=1)


def test_the_clock_runs_again_when_the_block_raises(registrar_db):
    try:
        with session_clock(registrar_db, MOMENT):
            raise RuntimeError("the use case failed")
    except RuntimeError:
        pass

    assert _scalar(registrar_db, "SELECT UTC_TIMESTAMP(6)") > MOMENT + timedelta(days=1)


def test_an_insert_and_its_trigger_event_are_dated_at_the_moment(registrar_db):
    school_id = create_school(registrar_db)
    with session_clock(registrar_db, MOMENT):
        registration_id = create_registration(registrar_db, school_id)

    event_time = _scalar(
        registrar_db,
        "SELECT created_at FROM t_event_outbox WHERE aggregate_id = %s "
        "AND event_type = 'selfreg.submitted' AND school_id = %s",
        registration_id,
        school_id,
    )
    submitted_at = _scalar(
        registrar_db,
        "SELECT submitted_at FROM student_self_registrations WHERE id = %s",
        registration_id,
    )

    assert event_time == submitted_at == MOMENT


def test_a_status_change_and_its_audit_entry_are_dated_at_the_moment(registrar_db):
    school_id = create_school(registrar_db)
    registration_id = create_registration(registrar_db, school_id)
    with session_clock(registrar_db, MOMENT):
        change_status(registrar_db, school_id, registration_id, "in_review", "tester")

    audited_at = _scalar(
        registrar_db,
        "SELECT created_at FROM t_audit_log WHERE school_id = %s AND entity_id = %s "
        "AND action = 'status_changed'",
        school_id,
        registration_id,
    )
    event_time = _scalar(
        registrar_db,
        "SELECT created_at FROM t_event_outbox WHERE aggregate_id = %s "
        "AND event_type = 'selfreg.status.updated' AND school_id = %s",
        registration_id,
        school_id,
    )

    assert audited_at == event_time == MOMENT
