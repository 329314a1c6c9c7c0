"""The Class, Fees and Docs sections this module gives the registration detail
(GET /api/admin/self-registration/{id})."""

from __future__ import annotations

import pytest

from registrar.adapters import billing_store, documents_store, placements_store
from tests.support.classes import add_fee, registration_in_class
from tests.support.factories import create_registration


@pytest.fixture
def registration_id(registrar_db, school):
    return registration_in_class(registrar_db, school.id, fee_minor=18000)


def test_the_class_section_is_the_placement(registrar_db, school, registration_id):
    placement = placements_store.placement_for(registrar_db, school.id, registration_id)
    assert {
        key: placement[key]
        for key in ("name", "teacher_name", "weekday", "start_time", "end_time", "starts_on")
    } == {
        "name": "Piano",
        "teacher_name": "Grace Hopper",
        "weekday": 0,
        "start_time": "16:00",
        "end_time": "17:00",
        "starts_on": "2026-01-05",
    }


def test_the_class_section_is_empty_without_a_placement(registrar_db, school):
    registration_id = create_registration(registrar_db, school.id)
    assert placements_store.placement_for(registrar_db, school.id, registration_id) is None


def test_sections_take_a_cursor_as_well_as_a_connection(registrar_db, school, registration_id):
    with registrar_db.cursor() as cursor:
        assert placements_store.placement_for(cursor, school.id, registration_id)["name"] == "Piano"
        assert billing_store.fees_for(cursor, school.id, registration_id)[0]["kind"] == "quote"
        assert documents_store.for_registration(cursor, school.id, registration_id) == []


def test_the_fees_section_quotes_the_class_before_it_is_invoiced(
    registrar_db, school, registration_id
):
    add_fee(registrar_db, school.id, "Registration fee", 2500)
    assert billing_store.fees_for(registrar_db, school.id, registration_id) == [
        {
            "kind": "quote",
            "currency": "USD",
            "amount_minor": 20500,
            "lines": [
                {"label": "Tuition: Piano", "amount_minor": 18000},
                {"label": "Registration fee", "amount_minor": 2500},
            ],
        }
    ]


def test_the_fees_section_shows_the_invoice_once_issued(
    client, registrar_db, school, registration_id
):
    client.post(
        "/api/admin/self-registration/approve",
        json={"registration_id": registration_id, "send_invoice": True, "send_autopay_link": False},
        headers=school.headers("registrar"),
    )
    (fees,) = billing_store.fees_for(registrar_db, school.id, registration_id)
    assert (fees["kind"], fees["status"], fees["balance_minor"]) == ("invoice", "issued", 18000)


def test_another_schools_sections_are_empty(registrar_db, other_school, registration_id):
    assert placements_store.placement_for(registrar_db, other_school.id, registration_id) is None
    assert billing_store.fees_for(registrar_db, other_school.id, registration_id) == []
    assert documents_store.for_registration(registrar_db, other_school.id, registration_id) == []


def test_the_detail_endpoint_carries_the_sections(client, school, registration_id):
    detail = client.get(
        f"/api/admin/self-registration/{registration_id}", headers=school.headers("viewer")
    ).get_json()
    assert detail["class"]["name"] == "Piano"
    assert detail["fees"][0]["amount_minor"] == 18000
    assert detail["documents"] == []
