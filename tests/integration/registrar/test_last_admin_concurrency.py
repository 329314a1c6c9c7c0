"""The last admin under real concurrency: two admins of a school demote each other at the same
moment, each on a connection of its own to the real MariaDB; one wins and the school keeps
exactly one admin (the lock on its admin rows makes the second wait and then refuse)."""

from __future__ import annotations

import secrets
import threading

from registrar.adapters.users_store import create_user
from registrar.service_layer import accounts
from shared import db
from tests.support.factories import create_school

# Long enough for both transactions on a busy machine; a deadlock would fail well before.
JOIN_SECONDS = 30


def test_two_admins_demoting_each_other_at_once_leave_one_admin(settings, registrar_db):
    school_id = create_school(registrar_db)
    admins = [
        create_user(
            registrar_db,
            school_id,
            f"admin-{secrets.token_hex(4)}@school.example",
            "admin",
            "correct horse battery",
        )
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def demote(target: int) -> None:
        connection = db.connect(settings, "registrar")
        try:
            start.wait(timeout=JOIN_SECONDS)
            accounts.set_role(connection, school_id, target, "viewer", "test")
            outcomes[target] = "demoted"
        except accounts.LastAdmin:
            outcomes[target] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(admin,)) for admin in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)

    assert sorted(outcomes.values()) == ["demoted", "refused"]
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS admins FROM t_user WHERE school_id = %s AND role = 'admin'",
            (school_id,),
        )
        assert cursor.fetchone()["admins"] == 1
