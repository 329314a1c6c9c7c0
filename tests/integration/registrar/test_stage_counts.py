"""The stage board's counts (t_stage_count) stay exact, whoever changes a registration."""

from __future__ import annotations

import threading

from registrar.adapters.lead_queue_store import stage_counts
from shared import db
from tests.support.factories import create_registration, create_school, set_status


def test_plain_sql_inserts_and_status_changes_keep_the_counts_exact(registrar_db):
    school_id = create_school(registrar_db)
    first, second, third = (create_registration(registrar_db, school_id) for _ in range(3))
    set_status(registrar_db, first, "in_review")
    set_status(registrar_db, second, "rejected")
    with registrar_db.cursor() as cursor:
        cursor.execute("DELETE FROM student_self_registrations WHERE id = %s", (third,))

    counts = stage_counts(registrar_db, school_id)

    assert counts == {
        "pending": 0,
        "in_review": 1,
        "needs_info": 0,
        "approved": 0,
        "rejected": 1,
        "converted": 0,
        "withdrawn": 0,
    }


def test_opposite_moves_at_the_same_time_neither_deadlock_nor_drift(settings, registrar_db):
    school_id = create_school(registrar_db)
    going = [create_registration(registrar_db, school_id) for _ in range(20)]
    coming = [create_registration(registrar_db, school_id) for _ in range(20)]
    for registration_id in going:
        set_status(registrar_db, registration_id, "in_review")
    for registration_id in coming:
        set_status(registrar_db, registration_id, "in_review")
        set_status(registrar_db, registration_id, "needs_info")
    failures: list[Exception] = []

    def move(ids, status):
        connection = db.connect(settings, "registrar")
        try:
            for registration_id in ids:
                set_status(connection, registration_id, status)
        except Exception as exc:  # a deadlock would surface here
            failures.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(going, "needs_info")),
        threading.Thread(target=move, args=(coming, "in_review")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    counts = stage_counts(registrar_db, school_id)
    assert counts["in_review"] == 20 and counts["needs_info"] == 20
