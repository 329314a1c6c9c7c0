"""registrar.adapters.throttle_store against the real MariaDB: counts shared by every
connection (every gunicorn worker has its own), windows that end, and duplicate-proof
submissions under races."""

from __future__ import annotations

import secrets
import threading

from registrar.adapters import throttle_store
from registrar.adapters.throttle_store import Limit
from registrar.service_layer.submissions import record_submission
from shared import db

LIMIT = Limit(max_hits=1000, window_seconds=600)


def _in_threads(settings, count, work):
    """Run work(connection) in `count` threads at once, each on its own connection."""
    start, results = threading.Barrier(count), []

    def run():
        connection = db.connect(settings, "registrar")
        try:
            start.wait()
            results.append(work(connection))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_hits_from_many_connections_at_once_are_all_counted(settings, registrar_db):
    bucket = f"test:{secrets.token_hex(4)}"

    _in_threads(
        settings,
        8,
        lambda connection: [throttle_store.count_hit(connection, bucket, LIMIT) for _ in range(10)],
    )

    assert throttle_store.count_hit(registrar_db, bucket, LIMIT).hits == 81


def test_a_hit_after_the_window_ended_starts_a_new_window(registrar_db):
    bucket = f"test:{secrets.token_hex(4)}"
    for _ in range(3):
        throttle_store.count_hit(registrar_db, bucket, LIMIT)
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE t_rate_limit SET window_started_at = window_started_at - "
            "INTERVAL 601 SECOND WHERE bucket = %s",
            (bucket,),
        )

    window = throttle_store.count_hit(registrar_db, bucket, LIMIT)

    assert window.hits == 1
    assert window.retry_after == LIMIT.window_seconds


def test_a_forgiven_hit_is_taken_back(registrar_db):
    bucket = f"test:{secrets.token_hex(4)}"
    throttle_store.count_hit(registrar_db, bucket, LIMIT)
    throttle_store.count_hit(registrar_db, bucket, LIMIT)

    throttle_store.forgive_hit(registrar_db, bucket)

    assert throttle_store.count_hit(registrar_db, bucket, LIMIT).hits == 2


def test_expired_windows_are_purged(registrar_db):
    bucket = f"test:{secrets.token_hex(4)}"
    throttle_store.count_hit(registrar_db, bucket, LIMIT)
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE t_rate_limit SET window_started_at = window_started_at - "
            "INTERVAL 2 DAY WHERE bucket = %s",
            (bucket,),
        )

        throttle_store.purge_expired(registrar_db)

        cursor.execute("SELECT COUNT(*) AS n FROM t_rate_limit WHERE bucket = %s", (bucket,))
        assert cursor.fetchone()["n"] == 0


def test_the_same_submission_sent_twice_at_once_makes_one_lead(settings, registrar_db, school):
    form = {
        "student_first_name": "Ada",
        "student_last_name": "Lovelace",
        "guardian_email": f"race-{secrets.token_hex(3)}@family.example",
    }

    results = _in_threads(
        settings, 4, lambda connection: record_submission(connection, school.id, form)
    )

    assert len({registration_id for registration_id, _created in results}) == 1
    assert sorted(created for _id, created in results) == [False, False, False, True]
