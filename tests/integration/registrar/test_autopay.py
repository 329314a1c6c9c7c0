"""GET, POST /autopay/{token}: the page a signed autopay link opens, and the mandate it records."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from shared.family_links import AutopayLink, sign_autopay_link
from shared.signing import KeyRing
from tests.support.classes import audit_actions, enable_flag, outbox_events, registration_in_class


@pytest.fixture
def invoice(client, school, registrar_db) -> dict:
    """An issued invoice of USD 180.00 whose school offers autopay, with its link."""
    enable_flag(registrar_db, school.id, "autopay")
    registration_id = registration_in_class(registrar_db, school.id, fee_minor=18000)
    return client.post(
        "/api/admin/self-registration/approve",
        json={"registration_id": registration_id, "send_invoice": True, "send_autopay_link": True},
        headers=school.headers("registrar"),
    ).get_json()


@pytest.fixture
def page_path(invoice, settings) -> str:
    return invoice["autopay_url"].removeprefix(settings.public_url)


def csrf_of(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))[1]


def confirm(client, page_path, **form):
    token = csrf_of(client.get(page_path))
    return client.post(
        page_path,
        data={"csrf_token": token, "signer_name": "Ada's Parent", "consent": "yes", **form},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
        headers={"User-Agent": "TestBrowser/1.0"},
    )


def mandates(connection, invoice_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT signer_name, client_address, user_agent, accepted_at "
            "FROM autopay_mandates WHERE invoice_id = %s",
            (invoice_id,),
        )
        return list(cursor.fetchall())


def test_the_link_opens_a_form_for_the_invoice(client, invoice, page_path):
    response = client.get(page_path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert invoice["number"] in html
    assert "$180.00" in html  # a family reads money the way its language writes it
    assert '<label for="signer_name">' in html


def test_the_form_cookie_is_http_only_and_same_site_strict(client, page_path):
    cookie = client.get(page_path).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie


def test_the_page_keeps_its_link_out_of_referers_and_caches(client, page_path):
    headers = client.get(page_path).headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_a_tampered_link_is_not_found(client, page_path):
    response = client.get(page_path[:-3] + "abc")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_a_link_signed_with_another_secret_is_not_found(client, invoice, school):
    token = sign_autopay_link(
        KeyRing(("another-secret-of-enough-length",)),
        AutopayLink(school.id, invoice["id"], datetime.now(timezone.utc) + timedelta(days=1)),
    )
    assert client.get(f"/autopay/{token}").status_code == 404


def test_an_expired_link_is_gone(client, invoice, school, settings):
    token = sign_autopay_link(
        KeyRing.of(settings),
        AutopayLink(school.id, invoice["id"], datetime.now(timezone.utc) - timedelta(seconds=1)),
    )
    response = client.get(f"/autopay/{token}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_confirming_records_the_mandate_with_time_and_address(
    client, invoice, page_path, registrar_db
):
    response = confirm(client, page_path)
    assert response.status_code == 303
    (mandate,) = mandates(registrar_db, invoice["id"])
    assert {key: mandate[key] for key in ("signer_name", "client_address", "user_agent")} == {
        "signer_name": "Ada's Parent",
        "client_address": "203.0.113.9",
        "user_agent": "TestBrowser/1.0",
    }
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    assert abs(mandate["accepted_at"] - now) < timedelta(minutes=1)


def test_after_confirming_the_page_says_autopay_is_set_up(client, page_path):
    confirm(client, page_path)
    html = client.get(page_path).get_data(as_text=True)
    assert "Autopay is set up" in html
    assert "<form" not in html


def test_confirming_writes_an_audit_entry(client, school, invoice, page_path, registrar_db):
    confirm(client, page_path)
    assert (
        audit_actions(registrar_db, school.id, "registration", invoice["registration_id"])[-1]
        == "autopay_mandate_accepted"
    )


def test_confirming_enqueues_autopay_enrolled_for_the_registration(
    client, school, invoice, page_path, registrar_db
):
    confirm(client, page_path)
    (event,) = outbox_events(registrar_db, school.id, "invoice.autopay.enrolled")
    assert (event["aggregate_type"], event["aggregate_id"]) == (
        "self_registration",
        invoice["registration_id"],
    )
    assert {
        key: event["payload"][key]
        for key in ("registration_id", "invoice_id", "amount_minor", "currency")
    } == {
        "registration_id": invoice["registration_id"],
        "invoice_id": invoice["id"],
        "amount_minor": 18000,
        "currency": "USD",
    }


def test_confirming_twice_records_one_mandate(client, school, invoice, page_path, registrar_db):
    token = csrf_of(client.get(page_path))
    for _ in range(2):
        client.post(
            page_path, data={"csrf_token": token, "signer_name": "Ada's Parent", "consent": "yes"}
        )
    assert len(mandates(registrar_db, invoice["id"])) == 1
    assert len(outbox_events(registrar_db, school.id, "invoice.autopay.enrolled")) == 1


def test_the_invoice_shows_when_autopay_was_accepted(client, school, invoice, page_path):
    confirm(client, page_path)
    shown = client.get(
        f"/api/admin/invoices/{invoice['id']}", headers=school.headers("viewer")
    ).get_json()
    assert shown["autopay_accepted_at"] is not None


def test_a_post_without_the_csrf_token_is_refused(client, school, invoice, page_path, registrar_db):
    client.get(page_path)
    response = client.post(page_path, data={"signer_name": "Mallory", "consent": "yes"})
    assert response.status_code == 403
    assert mandates(registrar_db, invoice["id"]) == []
    assert outbox_events(registrar_db, school.id, "invoice.autopay.enrolled") == []


def test_a_csrf_token_made_for_another_browser_is_refused(
    client, invoice, page_path, registrar_db, registrar_app
):
    token_of_another_browser = csrf_of(registrar_app.test_client().get(page_path))
    client.get(page_path)
    response = client.post(
        page_path,
        data={"csrf_token": token_of_another_browser, "signer_name": "Mallory", "consent": "yes"},
    )
    assert response.status_code == 403
    assert mandates(registrar_db, invoice["id"]) == []


def test_a_post_without_consent_shows_the_form_again_with_the_error(
    client, invoice, page_path, registrar_db
):
    response = confirm(client, page_path, consent="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert 'aria-describedby="consent-error"' in html
    assert mandates(registrar_db, invoice["id"]) == []


def test_a_post_without_a_name_is_refused(client, invoice, page_path, registrar_db):
    assert confirm(client, page_path, signer_name="  ").status_code == 422
    assert mandates(registrar_db, invoice["id"]) == []
