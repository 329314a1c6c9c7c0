"""classes_store.seed_demo and billing_store.seed_demo: the classes and fees a demo school
starts with."""

from __future__ import annotations

from registrar.adapters import billing_store, class_listing_store, classes_store
from shared.db import transaction
from tests.support.classes import count_rows
from tests.support.factories import create_school


def seed(connection, school_id):
    with transaction(connection) as cursor:
        return classes_store.seed_demo(cursor, school_id), billing_store.seed_demo(
            cursor, school_id
        )


def test_the_class_seed_gives_a_school_teachers_and_classes(registrar_db):
    school_id = create_school(registrar_db)
    seeded_classes, _fees = seed(registrar_db, school_id)
    assert len(seeded_classes["teachers"]) == 2
    assert count_rows(registrar_db, "class_schedules", school_id) == 4


def test_every_seeded_class_can_be_invoiced(registrar_db):
    school_id = create_school(registrar_db)
    seed(registrar_db, school_id)
    with registrar_db.cursor() as cursor:
        for schedule in class_listing_store.list_schedules(cursor, school_id):
            items = billing_store.fee_items(cursor, school_id, schedule["id"], schedule["program"])
            assert any(item.scope == "schedule" for item in items), schedule["name"]


def test_the_fee_seed_adds_a_registration_fee_every_enrolment_pays(registrar_db):
    school_id = create_school(registrar_db)
    _classes, fees = seed(registrar_db, school_id)
    assert list(fees) == ["registration"]


def test_the_seeded_classes_are_the_schools_alone(registrar_db):
    school_id, other_id = create_school(registrar_db), create_school(registrar_db)
    seed(registrar_db, school_id)
    assert count_rows(registrar_db, "class_schedules", other_id) == 0
