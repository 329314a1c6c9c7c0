"""A registration's printable record in Chromium against the running services: opened from
the detail panel, it holds the history, the status e-mail the notifier really sent and the
uploaded document's name; printed, the page's navigation is left out; another school's
registration is the not-found page."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from registrar.service_layer.lead_status import change_status
from tests.support.factories import create_registration, create_school
from tests.support.workspace import call, unique_family_email, wait_for_mail

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
STAFF = "setup@school.example"


@pytest.fixture
def registration(registrar_db, system, demo_school):
    """A registration in review whose status e-mail was sent, with a document uploaded."""
    email = unique_family_email()
    registration_id = create_registration(
        registrar_db, demo_school.id, first_name="Hedy", email=email
    )
    change_status(registrar_db, demo_school.id, registration_id, "in_review", STAFF)
    wait_for_mail(system.sink, email, "Hedy")
    return registration_id


def upload(system, demo_school, registration_id: int) -> None:
    boundary = "record-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="vaccination-card.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{system.registrar_url}/api/admin/self-registration/{registration_id}/documents",
        data=body,
        method="POST",
        headers={
            "Accesstoken": demo_school.registrar_token,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201


def test_the_record_holds_the_history_the_messages_and_the_documents(
    page, system, demo_school, registration
):
    upload(system, demo_school, registration)
    page.goto(f"/admin/registrar?registration={registration}")
    page.get_by_role("link", name="Printable record").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"registration {registration}")
    expect(page.locator("#record-history-table")).to_contain_text(
        "Status changed from Pending to In review"
    )
    expect(page.locator("#record-messages-table")).to_contain_text("Status update")
    expect(page.locator("#record-messages-table")).to_contain_text("sent")
    expect(page.locator("#record-documents-table")).to_contain_text("vaccination-card.pdf")
    expect(page.get_by_role("button", name="Print / Save as PDF")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Print / Save as PDF")).to_be_hidden()
    expect(page.locator("#record-history-table")).to_be_visible()


def test_another_schools_registration_has_no_record(page, registrar_db):
    foreign = create_registration(registrar_db, create_school(registrar_db), first_name="Secret")

    answer = page.goto(f"/admin/registrar/registrations/{foreign}/record")

    assert answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.locator("main")).not_to_contain_text("Secret")


def test_the_record_is_in_the_audit_trail(page, demo_school, system, registration):
    page.goto(f"/admin/registrar/registrations/{registration}/record")

    status, trail = call(
        f"{system.registrar_url}/api/admin/audit?registration_id={registration}"
        "&action=record_viewed",
        demo_school.admin_token,
    )

    assert status == 200
    assert [entry["action"] for entry in trail["items"]] == ["record_viewed"]
