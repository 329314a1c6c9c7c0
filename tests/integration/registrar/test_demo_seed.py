"""`edquill demo seed`: demo schools with accounts and a lead queue in every stage."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from registrar.entrypoints.app import create_app
from registrar.entrypoints.demo import DEMO_PASSWORD, DEMO_SCHOOLS, demo
from shared import db, migrations
from shared.registration_status import STATUSES

REGISTRATIONS_PER_SCHOOL = 8


@pytest.fixture(scope="module")
def settings(settings):
    """Databases of this module's own: the seed makes fixed schools ('demo', ...) that other
    tiers seed too (`edquill up`), and other fixtures empty tables this module counts."""
    own = dataclasses.replace(settings, db_prefix=f"{settings.db_prefix}demo_")
    migrations.apply_all(own, services=("registrar",))
    yield own
    db.drop_database(own, "registrar")


@pytest.fixture(scope="module")
def registrar_app(settings):
    return create_app(settings, {"TESTING": True})


@pytest.fixture(scope="module")
def seeded(settings):
    """The seed's output; it runs once for the module, as it takes a few seconds."""
    result = CliRunner().invoke(
        demo, ["seed", "--registrations-per-school", str(REGISTRATIONS_PER_SCHOOL)], obj=settings
    )
    assert result.exit_code == 0, result.output
    return result.output


def _demo_school_id(registrar_db):
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT id, timezone, currency FROM schools WHERE slug = 'demo'")
        return cursor.fetchone()


def _count(registrar_db, sql, *params):
    with registrar_db.cursor() as cursor:
        cursor.execute(sql, params)
        return next(iter(cursor.fetchone().values()))


def test_the_demo_school_has_a_time_zone_and_currency(seeded, registrar_db):
    school = _demo_school_id(registrar_db)

    assert (school["timezone"], school["currency"]) == ("America/New_York", "USD")


def test_every_demo_school_is_created(seeded, registrar_db):
    slugs = [school.slug for school in DEMO_SCHOOLS]

    assert _count(
        registrar_db, "SELECT COUNT(*) FROM schools WHERE slug IN (%s, %s, %s)", *slugs
    ) == len(DEMO_SCHOOLS)


def test_the_printed_admin_credentials_sign_in(seeded, client, client_address):
    assert f"admin@demo.edquill.test / {DEMO_PASSWORD}" in seeded

    response = client.post(
        "/api/auth/login",
        json={"email": "admin@demo.edquill.test", "password": DEMO_PASSWORD},
        headers={"X-Forwarded-For": client_address},
    )

    assert response.status_code == 200


def test_registrations_fill_every_stage(seeded, registrar_db):
    school_id = _demo_school_id(registrar_db)["id"]
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT status FROM student_self_registrations WHERE school_id = %s",
            (school_id,),
        )
        statuses = {row["status"] for row in cursor.fetchall()}

    assert statuses == set(STATUSES)


def test_status_changes_left_audit_entries_and_events(seeded, registrar_db):
    school_id = _demo_school_id(registrar_db)["id"]
    changed = _count(
        registrar_db,
        "SELECT COUNT(*) FROM student_self_registrations "
        "WHERE school_id = %s AND status <> 'pending'",
        school_id,
    )
    audited = _count(
        registrar_db,
        "SELECT COUNT(DISTINCT entity_id) FROM t_audit_log "
        "WHERE school_id = %s AND action = 'status_changed'",
        school_id,
    )
    events = _count(
        registrar_db,
        "SELECT COUNT(*) FROM t_event_outbox WHERE school_id = %s "
        "AND event_type = 'selfreg.submitted'",
        school_id,
    )
    registrations = _count(
        registrar_db,
        "SELECT COUNT(*) FROM student_self_registrations WHERE school_id = %s",
        school_id,
    )

    assert audited == changed > 0
    assert events == registrations == REGISTRATIONS_PER_SCHOOL


def test_seeding_again_duplicates_nothing(seeded, settings, registrar_db):
    before = _count(registrar_db, "SELECT COUNT(*) FROM student_self_registrations")

    result = CliRunner().invoke(demo, ["seed"], obj=settings)

    assert result.exit_code == 0, result.output
    assert "exists: left as it is" in result.output
    assert _count(registrar_db, "SELECT COUNT(*) FROM schools WHERE slug = 'demo'") == 1
    assert _count(registrar_db, "SELECT COUNT(*) FROM student_self_registrations") == before


def test_converted_registrations_have_their_student(seeded, registrar_db):
    school_id = _demo_school_id(registrar_db)["id"]

    assert (
        _count(
            registrar_db,
            "SELECT COUNT(*) FROM student_self_registrations "
            "WHERE school_id = %s AND status = 'converted' AND student_id IS NULL",
            school_id,
        )
        == 0
    )


def test_the_demo_school_has_classes_to_place_students_in(seeded, registrar_db):
    school_id = _demo_school_id(registrar_db)["id"]

    assert (
        _count(registrar_db, "SELECT COUNT(*) FROM class_schedules WHERE school_id = %s", school_id)
        > 0
    )
