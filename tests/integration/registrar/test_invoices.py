"""GET /api/admin/invoices/{id} and POST /api/admin/invoices/{id}/payments."""

from __future__ import annotations

import pytest

from tests.support.classes import audit_actions, count_rows, outbox_events, registration_in_class

TOTAL = 18000


@pytest.fixture
def invoice(client, school, registrar_db) -> dict:
    """An issued invoice of TOTAL for a registration of the school."""
    registration_id = registration_in_class(registrar_db, school.id, fee_minor=TOTAL)
    return client.post(
        "/api/admin/self-registration/approve",
        json={"registration_id": registration_id, "send_invoice": True, "send_autopay_link": False},
        headers=school.headers("registrar"),
    ).get_json()


def pay(client, school, invoice_id, amount_minor, method="card", role="registrar", **extra):
    return client.post(
        f"/api/admin/invoices/{invoice_id}/payments",
        json={"amount_minor": amount_minor, "method": method, **extra},
        headers=school.headers(role),
    )


def test_reading_an_invoice_needs_a_token(client, invoice):
    assert client.get(f"/api/admin/invoices/{invoice['id']}").status_code == 401


def test_a_viewer_reads_an_invoice(client, school, invoice):
    response = client.get(f"/api/admin/invoices/{invoice['id']}", headers=school.headers("viewer"))
    assert response.status_code == 200
    assert response.get_json() == invoice


def test_another_schools_invoice_is_not_found(client, other_school, invoice):
    response = client.get(
        f"/api/admin/invoices/{invoice['id']}", headers=other_school.headers("admin")
    )
    assert response.status_code == 404
    assert invoice["number"] not in response.get_data(as_text=True)


def test_a_registrar_records_a_part_payment(client, school, invoice):
    response = pay(client, school, invoice["id"], 5000, reference="receipt 17")
    assert response.status_code == 201
    body = response.get_json()
    assert {key: body["payment"][key] for key in ("amount_minor", "method", "reference")} == {
        "amount_minor": 5000,
        "method": "card",
        "reference": "receipt 17",
    }
    assert (
        body["invoice"]["status"],
        body["invoice"]["paid_minor"],
        body["invoice"]["balance_minor"],
    ) == ("issued", 5000, TOTAL - 5000)


def test_a_payment_writes_an_audit_entry(client, school, invoice, registrar_db):
    pay(client, school, invoice["id"], 5000)
    assert (
        audit_actions(registrar_db, school.id, "registration", invoice["registration_id"])[-1]
        == "payment_recorded"
    )


def test_a_part_payment_announces_nothing(client, school, invoice, registrar_db):
    pay(client, school, invoice["id"], 5000)
    assert outbox_events(registrar_db, school.id, "invoice.paid") == []


def test_paying_the_balance_marks_the_invoice_paid(client, school, invoice):
    pay(client, school, invoice["id"], 5000)
    paid = pay(client, school, invoice["id"], TOTAL - 5000).get_json()["invoice"]
    assert (paid["status"], paid["balance_minor"]) == ("paid", 0)
    assert paid["paid_at"] is not None


def test_paying_in_full_enqueues_invoice_paid_for_the_registration(
    client, school, invoice, registrar_db
):
    pay(client, school, invoice["id"], TOTAL, method="bank_transfer")
    (event,) = outbox_events(registrar_db, school.id, "invoice.paid")
    assert (event["aggregate_type"], event["aggregate_id"]) == (
        "self_registration",
        invoice["registration_id"],
    )
    assert {
        key: event["payload"][key]
        for key in (
            "registration_id",
            "invoice_id",
            "amount_minor",
            "currency",
            "last_payment_method",
        )
    } == {
        "registration_id": invoice["registration_id"],
        "invoice_id": invoice["id"],
        "amount_minor": TOTAL,
        "currency": "USD",
        "last_payment_method": "bank_transfer",
    }


def test_paying_in_full_writes_invoice_paid_to_the_audit_log(client, school, invoice, registrar_db):
    pay(client, school, invoice["id"], TOTAL)
    assert audit_actions(registrar_db, school.id, "registration", invoice["registration_id"])[
        -2:
    ] == ["payment_recorded", "invoice_paid"]


def test_an_overpayment_is_refused_with_the_balance(client, school, invoice, registrar_db):
    response = pay(client, school, invoice["id"], TOTAL + 1)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert list(error["details"]["fields"]) == ["amount_minor"]
    assert error["details"]["balance_minor"] == TOTAL
    assert count_rows(registrar_db, "payments", school.id) == 0


def test_a_payment_on_a_paid_invoice_is_refused(client, school, invoice, registrar_db):
    pay(client, school, invoice["id"], TOTAL)
    response = pay(client, school, invoice["id"], 1)
    assert response.status_code == 422
    assert count_rows(registrar_db, "payments", school.id) == 1


@pytest.mark.parametrize("amount", [-100, 0])
def test_an_amount_that_is_not_positive_is_refused(client, school, invoice, registrar_db, amount):
    response = pay(client, school, invoice["id"], amount)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["amount_minor"]
    assert count_rows(registrar_db, "payments", school.id) == 0


def test_an_amount_with_decimals_is_refused(client, school, invoice):
    response = pay(client, school, invoice["id"], 50.5)
    assert response.status_code == 422


def test_an_unknown_method_is_refused(client, school, invoice):
    response = pay(client, school, invoice["id"], 100, method="seashells")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["method"]


def test_a_viewer_may_not_record_a_payment(client, school, invoice, registrar_db):
    assert pay(client, school, invoice["id"], 100, role="viewer").status_code == 403
    assert count_rows(registrar_db, "payments", school.id) == 0


def test_paying_another_schools_invoice_is_not_found(
    client, other_school, invoice, school, registrar_db
):
    response = pay(client, other_school, invoice["id"], 100)
    assert response.status_code == 404
    assert count_rows(registrar_db, "payments", school.id) == 0


def test_a_payment_body_that_is_not_json_is_refused(client, school, invoice, registrar_db):
    response = client.post(
        f"/api/admin/invoices/{invoice['id']}/payments",
        data="amount=1",
        content_type="application/x-www-form-urlencoded",
        headers=school.headers("registrar"),
    )
    assert response.status_code == 400
    assert count_rows(registrar_db, "payments", school.id) == 0
