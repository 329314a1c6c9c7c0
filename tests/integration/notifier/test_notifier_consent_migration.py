"""0004 splits consent into the address's (links) and each registration's (its form): what
forms used to decide for a whole address moves to the registration it named, and an
unsubscribe a form had undone stands again."""

from __future__ import annotations

import pytest

from shared import db, migrations
from tests.support.migrations import migrated_up_to_before, roll_back_through

NOTIFIER = ("notifier",)
MIGRATION = "0004_consent_scopes_and_history"
_COLUMNS = (
    "school_id, recipient, channel, purpose, granted, changed_at, changed_via, evidence, "
    "given_at, given_via, withdrawn_at, withdrawn_via, updated_at"
)


@pytest.fixture
def notifier_with_one_consent_scope(settings):
    with migrated_up_to_before(settings, "notifier", MIGRATION) as own:
        connection = db.connect(own, "notifier")
        try:
            yield own, connection
        finally:
            connection.close()


def _consent(
    recipient, purpose, granted, via, evidence, given=(None, None), withdrawn=(None, None)
) -> tuple:
    return (
        5,
        recipient,
        "email",
        purpose,
        granted,
        "2026-01-10 10:00:00",
        via,
        evidence,
        *given,
        *withdrawn,
        "2026-01-10 10:00:00",
    )


LEGACY = [
    # A form's yes for the whole address.
    _consent(
        "yes@f.example",
        "reminders",
        1,
        "self_registration_form",
        "registration 71",
        given=("2026-01-10 10:00:00", "self_registration_form"),
    ),
    # An unsubscribe, then a stranger's form said yes: the unsubscribe must stand.
    _consent(
        "undone@f.example",
        "reminders",
        1,
        "self_registration_form",
        "registration 72",
        given=("2026-01-10 10:00:00", "self_registration_form"),
        withdrawn=("2026-01-09 08:00:00", "unsubscribe_link"),
    ),
    _consent(
        "undone@f.example",
        "marketing",
        0,
        "unsubscribe_link",
        "confirmation page",
        withdrawn=("2026-01-09 08:00:00", "unsubscribe_link"),
    ),
]


def _insert_legacy(connection) -> None:
    with db.transaction(connection) as cursor:
        cursor.executemany(
            f"INSERT INTO t_consent ({_COLUMNS}) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            LEGACY,
        )


def _address_rows(connection) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT recipient, purpose, granted, changed_via, changed_at "
            "FROM t_consent ORDER BY recipient, purpose"
        )
        return {
            (r["recipient"], r["purpose"]): (r["granted"], r["changed_via"], str(r["changed_at"]))
            for r in cursor.fetchall()
        }


def test_0004_moves_form_answers_to_their_registrations_and_restores_undone_unsubscribes(
    notifier_with_one_consent_scope,
):
    own, connection = notifier_with_one_consent_scope
    _insert_legacy(connection)

    migrations.apply_all(own, NOTIFIER)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT registration_id, recipient, granted FROM t_registration_consent "
            "ORDER BY registration_id"
        )
        registrations = [tuple(row.values()) for row in cursor.fetchall()]
    assert registrations == [(71, "yes@f.example", 1), (72, "undone@f.example", 1)]
    assert _address_rows(connection) == {
        ("undone@f.example", "marketing"): (0, "unsubscribe_link", "2026-01-10 10:00:00"),
        ("undone@f.example", "reminders"): (0, "unsubscribe_link", "2026-01-09 08:00:00"),
    }


def test_0004_rolls_back_to_one_scope_keeping_the_links_decisions(notifier_with_one_consent_scope):
    own, connection = notifier_with_one_consent_scope
    _insert_legacy(connection)
    migrations.apply_all(own, NOTIFIER)

    assert roll_back_through(own, "notifier", MIGRATION)[-1] == f"notifier:{MIGRATION}"

    rows = _address_rows(connection)
    assert rows[("yes@f.example", "reminders")][:2] == (1, "self_registration_form")
    assert rows[("undone@f.example", "reminders")][:2] == (0, "unsubscribe_link")
    with connection.cursor() as cursor:
        cursor.execute("SHOW TABLES LIKE 't_consent_history'")
        assert cursor.fetchall() == ()
