"""A registration's printable record (Flask's test client, real MariaDB, no notifier behind
it): any staff role opens it, it holds the history and the documents (named, never their
contents), says the messages cannot be listed while the notifier does not answer, writes an
audit entry, and another school's registration is the 404 page. (The messages listed for
real: tests/browser/test_settings_page.py.)"""

from __future__ import annotations

import io
import secrets
from dataclasses import replace

import pytest

from devtools.ports import free_port
from registrar.adapters.users_store import create_user
from registrar.entrypoints.app import create_app
from registrar.service_layer.lead_status import change_status
from tests.support.factories import create_registration
from tests.support.pages import sign_in_with_form

PASSWORD = "correct horse battery"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


@pytest.fixture(scope="module")
def record_app(settings, tmp_path_factory):
    return create_app(
        replace(
            settings,
            notifier_url=f"http://127.0.0.1:{free_port()}",
            documents_dir=str(tmp_path_factory.mktemp("documents")),
        ),
        {"TESTING": True},
    )


def signed_in(app, registrar_db, school, role: str, address: str) -> tuple:
    client = app.test_client()
    email = f"{role}-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school.id, email, role, PASSWORD)
    assert sign_in_with_form(client, email, PASSWORD, address=address).status_code == 303
    return client, email


@pytest.fixture
def registration(record_app, registrar_db, school) -> int:
    """A registration moved to in review, with a birth certificate uploaded."""
    registration_id = create_registration(registrar_db, school.id, first_name="Grace")
    change_status(registrar_db, school.id, registration_id, "in_review", "head@school.example")
    uploaded = record_app.test_client().post(
        f"/api/admin/self-registration/{registration_id}/documents",
        data={"file": (io.BytesIO(PDF), "birth-certificate.pdf", "application/pdf")},
        content_type="multipart/form-data",
        headers=school.headers("registrar"),
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    return registration_id


def record_path(registration_id: int) -> str:
    return f"/admin/registrar/registrations/{registration_id}/record"


def test_the_record_needs_a_session(record_app, registration):
    answer = record_app.test_client().get(record_path(registration))

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/login?next=")


def test_a_viewer_prints_the_history_and_the_documents_list(
    record_app, registrar_db, school, client_address, registration
):
    page, _email = signed_in(record_app, registrar_db, school, "viewer", client_address)

    answer = page.get(record_path(registration))

    assert answer.status_code == 200
    assert "Grace Lovelace: registration" in answer.text
    assert "Status changed from Pending to In review" in answer.text
    assert "head@school.example" in answer.text
    assert "birth-certificate.pdf" in answer.text
    assert "/admin/registrar/documents/" not in answer.text  # names, never the contents
    assert "record.css" in answer.text


def test_the_record_says_when_the_notifier_cannot_list_the_messages(
    record_app, registrar_db, school, client_address, registration
):
    page, _email = signed_in(record_app, registrar_db, school, "registrar", client_address)

    html = page.get(record_path(registration)).text

    assert 'id="record-messages-unavailable"' in html
    assert "The list of messages sent cannot be shown right now" in html


def test_viewing_the_record_is_audited(
    record_app, registrar_db, school, client_address, registration
):
    page, email = signed_in(record_app, registrar_db, school, "viewer", client_address)

    page.get(record_path(registration))

    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT actor, entity_type FROM t_audit_log WHERE school_id = %s "
            "AND entity_id = %s AND action = 'record_viewed'",
            (school.id, registration),
        )
        assert cursor.fetchall() == [{"actor": email, "entity_type": "registration"}]


def test_another_schools_registration_is_the_not_found_page(
    record_app, registrar_db, school, other_school, client_address
):
    foreign = create_registration(registrar_db, other_school.id, first_name="Secret")
    page, _email = signed_in(record_app, registrar_db, school, "admin", client_address)

    answer = page.get(record_path(foreign))

    assert answer.status_code == 404
    assert "There is no such registration in your school" in answer.text
    assert "Secret" not in answer.text
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS n FROM t_audit_log WHERE entity_id = %s AND action = "
            "'record_viewed'",
            (foreign,),
        )
        assert cursor.fetchone()["n"] == 0


def test_the_detail_panel_links_to_the_record(
    record_app, registrar_db, school, client_address, registration
):
    page, _email = signed_in(record_app, registrar_db, school, "viewer", client_address)

    html = page.get(f"/admin/registrar?registration={registration}").text

    assert f'href="{record_path(registration)}"' in html
