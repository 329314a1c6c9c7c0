"""POST /api/admin/self-registration/approve: approved, invoiced, announced, all at once."""

from __future__ import annotations

import pytest

from registrar.adapters.tokens_store import issue_token
from tests.support.classes import (
    add_fee,
    audit_actions,
    count_rows,
    enable_flag,
    outbox_events,
    registration_in_class,
    registration_status,
)
from tests.support.factories import create_registration, create_school, set_status

URL = "/api/admin/self-registration/approve"


@pytest.fixture
def registration_id(registrar_db, school) -> int:
    return registration_in_class(registrar_db, school.id, fee_minor=18000)


def approve(
    client, school, registration_id, role="registrar", send_invoice=True, send_autopay_link=False
):
    return client.post(
        URL,
        json={
            "registration_id": registration_id,
            "send_invoice": send_invoice,
            "send_autopay_link": send_autopay_link,
        },
        headers=school.headers(role),
    )


def test_approving_needs_a_token(client, registration_id):
    response = client.post(
        URL,
        json={"registration_id": registration_id, "send_invoice": True, "send_autopay_link": False},
    )
    assert response.status_code == 401


def test_a_viewer_may_not_approve(client, school, registration_id, registrar_db):
    assert approve(client, school, registration_id, role="viewer").status_code == 403
    assert registration_status(registrar_db, registration_id) == "in_review"
    assert count_rows(registrar_db, "invoices", school.id) == 0


def test_approving_moves_the_registration_to_approved(
    client, school, registration_id, registrar_db
):
    assert approve(client, school, registration_id).status_code == 200
    assert registration_status(registrar_db, registration_id) == "approved"


def test_approving_issues_an_invoice_for_the_class(client, school, registration_id):
    invoice = approve(client, school, registration_id).get_json()
    assert {
        key: invoice[key]
        for key in (
            "number",
            "status",
            "amount_minor",
            "currency",
            "registration_id",
            "autopay_url",
        )
    } == {
        "number": "INV-000001",
        "status": "issued",
        "amount_minor": 18000,
        "currency": "USD",
        "registration_id": registration_id,
        "autopay_url": None,
    }
    assert invoice["lines"] == [{"label": "Tuition: Piano", "amount_minor": 18000}]


def test_the_invoice_is_in_the_schools_currency(client, registrar_db):
    yen_school_id = create_school(registrar_db, currency="JPY")
    registration_id = registration_in_class(registrar_db, yen_school_id, fee_minor=12000)
    response = client.post(
        URL,
        json={"registration_id": registration_id, "send_invoice": True, "send_autopay_link": False},
        headers={"Accesstoken": issue_token(registrar_db, yen_school_id, "registrar")},
    )
    assert response.get_json()["currency"] == "JPY"


def test_the_invoice_adds_the_fees_every_enrolment_pays(
    client, school, registration_id, registrar_db
):
    add_fee(registrar_db, school.id, "Registration fee", 2500)
    invoice = approve(client, school, registration_id).get_json()
    assert invoice["lines"] == [
        {"label": "Tuition: Piano", "amount_minor": 18000},
        {"label": "Registration fee", "amount_minor": 2500},
    ]
    assert invoice["amount_minor"] == 20500


def test_the_programs_fee_applies_to_a_class_without_its_own(client, school, registrar_db):
    registration_id = registration_in_class(registrar_db, school.id, fee_minor=None)
    add_fee(registrar_db, school.id, "Music tuition", 16000, program="music")
    invoice = approve(client, school, registration_id).get_json()
    assert invoice["lines"] == [{"label": "Music tuition", "amount_minor": 16000}]


def test_approving_enqueues_invoice_issued_for_the_registration(
    client, school, registration_id, registrar_db
):
    invoice = approve(client, school, registration_id).get_json()
    (event,) = outbox_events(registrar_db, school.id, "invoice.issued")
    assert (event["aggregate_type"], event["aggregate_id"]) == (
        "self_registration",
        registration_id,
    )
    payload = event["payload"]
    assert {
        key: payload[key]
        for key in (
            "registration_id",
            "invoice_id",
            "number",
            "amount_minor",
            "currency",
            "send_invoice",
            "send_autopay_link",
            "autopay_link_expires_at",
            "guardian_email",
        )
    } == {
        "registration_id": registration_id,
        "invoice_id": invoice["id"],
        "number": "INV-000001",
        "amount_minor": 18000,
        "currency": "USD",
        "send_invoice": True,
        "send_autopay_link": False,
        "autopay_link_expires_at": None,
        "guardian_email": "parent@example.com",
    }
    assert "autopay_url" not in payload


def test_the_approval_is_announced_before_the_invoice(
    client, school, registration_id, registrar_db
):
    approve(client, school, registration_id)
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT event_type FROM t_event_outbox WHERE aggregate_id = %s "
            "AND school_id = %s ORDER BY id DESC LIMIT 2",
            (registration_id, school.id),
        )
        assert [row["event_type"] for row in cursor.fetchall()] == [
            "invoice.issued",
            "selfreg.status.updated",
        ]


def test_approving_writes_audit_entries(client, school, registration_id, registrar_db):
    approve(client, school, registration_id)
    assert audit_actions(registrar_db, school.id, "registration", registration_id)[-2:] == [
        "status_changed",
        "invoice_issued",
    ]


def test_approving_twice_makes_one_invoice(client, school, registration_id, registrar_db):
    first = approve(client, school, registration_id)
    second = approve(client, school, registration_id)
    assert second.status_code == 200
    assert second.get_json() == first.get_json()
    assert count_rows(registrar_db, "invoices", school.id) == 1
    assert len(outbox_events(registrar_db, school.id, "invoice.issued")) == 1


def test_approving_again_after_a_reopen_keeps_the_invoice(
    client, school, registration_id, registrar_db
):
    first = approve(client, school, registration_id).get_json()
    set_status(registrar_db, registration_id, "in_review")
    second = approve(client, school, registration_id)
    assert second.get_json()["id"] == first["id"]
    assert registration_status(registrar_db, registration_id) == "approved"
    assert count_rows(registrar_db, "invoices", school.id) == 1


def test_invoice_numbers_count_up_per_school(client, school, registration_id, registrar_db):
    approve(client, school, registration_id)
    another = registration_in_class(registrar_db, school.id, first_name="Bea")
    assert approve(client, school, another).get_json()["number"] == "INV-000002"


def test_an_autopay_link_comes_when_asked_and_the_school_allows_it(
    client, school, settings, registration_id, registrar_db
):
    enable_flag(registrar_db, school.id, "autopay")
    invoice = approve(client, school, registration_id, send_autopay_link=True).get_json()
    assert invoice["autopay_url"].startswith(f"{settings.public_url}/autopay/")
    (event,) = outbox_events(registrar_db, school.id, "invoice.issued")
    assert "autopay_url" not in event["payload"]  # a bearer link never enters the outbox
    assert event["payload"]["autopay_link_expires_at"].endswith("Z")
    assert event["payload"]["send_autopay_link"] is True


def test_no_autopay_link_when_the_school_has_autopay_off(
    client, school, registration_id, registrar_db
):
    invoice = approve(client, school, registration_id, send_autopay_link=True).get_json()
    assert invoice["autopay_url"] is None
    (event,) = outbox_events(registrar_db, school.id, "invoice.issued")
    assert event["payload"]["send_autopay_link"] is False


def test_the_autopay_link_is_the_same_when_asked_again(
    client, school, registration_id, registrar_db
):
    enable_flag(registrar_db, school.id, "autopay")
    first = approve(client, school, registration_id, send_autopay_link=True).get_json()
    second = approve(client, school, registration_id, send_autopay_link=True).get_json()
    assert second["autopay_url"] == first["autopay_url"]


def test_a_pending_registration_cannot_be_approved(client, school, registrar_db):
    registration_id = registration_in_class(registrar_db, school.id, status="pending")
    response = approve(client, school, registration_id)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_transition"
    assert registration_status(registrar_db, registration_id) == "pending"
    assert count_rows(registrar_db, "invoices", school.id) == 0


def test_a_registration_without_a_class_is_not_approved_at_all(client, school, registrar_db):
    registration_id = create_registration(registrar_db, school.id)
    set_status(registrar_db, registration_id, "in_review")
    response = approve(client, school, registration_id)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "class_not_assigned"
    assert registration_status(registrar_db, registration_id) == "in_review"
    assert (
        outbox_events(registrar_db, school.id, "selfreg.status.updated")[-1]["payload"]["to_status"]
        == "in_review"
    )


def test_a_class_without_a_fee_is_not_approved_at_all(client, school, registrar_db):
    registration_id = registration_in_class(registrar_db, school.id, fee_minor=None)
    response = approve(client, school, registration_id)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_fee_schedule"
    assert registration_status(registrar_db, registration_id) == "in_review"
    assert count_rows(registrar_db, "invoices", school.id) == 0


def test_another_schools_registration_is_not_found(client, school, other_school, registrar_db):
    foreign = registration_in_class(registrar_db, other_school.id)
    response = approve(client, school, foreign)
    assert response.status_code == 404
    assert registration_status(registrar_db, foreign) == "in_review"
    assert count_rows(registrar_db, "invoices", other_school.id) == 0


def test_a_missing_field_is_named(client, school, registration_id):
    response = client.post(
        URL,
        json={"registration_id": registration_id, "send_invoice": True},
        headers=school.headers("registrar"),
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["send_autopay_link"]


def test_a_body_that_is_not_json_is_refused(client, school, registration_id, registrar_db):
    response = client.post(
        URL,
        data="registration_id=1",
        content_type="text/plain",
        headers=school.headers("registrar"),
    )
    assert response.status_code == 400
    assert count_rows(registrar_db, "invoices", school.id) == 0


def test_the_invoice_event_carries_the_language_the_family_chose(
    client, school, registration_id, registrar_db
):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET language = 'es' WHERE id = %s",
            (registration_id,),
        )
    approve(client, school, registration_id)
    (issued,) = outbox_events(registrar_db, school.id, "invoice.issued")
    assert issued["payload"]["language"] == "es"
