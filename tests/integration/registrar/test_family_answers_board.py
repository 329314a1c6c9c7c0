"""What staff see of a family's answer to a request for information, in the workspace on the
session's MariaDB: the card says "Family answered" until the school moves the registration,
the History tab shows the family's words and the Docs tab what the family uploaded."""

from __future__ import annotations

import io
import re
import secrets

import pytest

from registrar.adapters.users_store import create_user
from registrar.service_layer.lead_status import change_status
from tests.support.factories import create_registration
from tests.support.family import family_link_path
from tests.support.pages import sign_in_with_form

FAMILY = "board-parent@example.com"
PASSWORD = "correct horse battery"
PDF = b"%PDF-1.4\n%%EOF\n"
_ANSWER_TOKEN = re.compile(r'name="answer_form_token" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
def answered(client, settings, registrar_db, school) -> int:
    registration_id = create_registration(registrar_db, school.id, email=FAMILY)
    change_status(registrar_db, school.id, registration_id, "in_review", "staff")
    change_status(
        registrar_db, school.id, registration_id, "needs_info", "staff", note="Send the record"
    )
    page = family_link_path(settings, school.id, registration_id, FAMILY)
    html = client.get(page).get_data(as_text=True)
    data = {
        "answer_form_token": _ANSWER_TOKEN.search(html)[1],
        "version": _VERSION.search(html)[1],
        "answer": "Record attached, sorry for the delay.",
        "documents": [(io.BytesIO(PDF), "record.pdf")],
    }
    response = client.post(f"{page}/answer", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    return registration_id


@pytest.fixture
def staff(client, registrar_db, school, client_address):
    email = f"registrar-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school.id, email, "registrar", PASSWORD)
    assert sign_in_with_form(client, email, PASSWORD, address=client_address).status_code == 303
    return client


def card_of(html: str, registration_id: int) -> str:
    start = html.index(f'id="card-{registration_id}"')
    return html[start : html.index("</a>", start)]


def test_the_card_says_the_family_answered(staff, answered):
    html = staff.get("/admin/registrar").get_data(as_text=True)
    assert "Family answered" in card_of(html, answered)


def test_the_mark_goes_once_the_school_moves_it(staff, registrar_db, school, answered):
    change_status(registrar_db, school.id, answered, "approved", "staff")
    html = staff.get("/admin/registrar").get_data(as_text=True)
    assert "Family answered" not in card_of(html, answered)


def test_history_and_docs_show_the_answer(staff, answered):
    history = staff.get(f"/admin/registrar?registration={answered}&tab=history").get_data(
        as_text=True
    )
    assert "The family answered the request for information" in history
    assert "Record attached, sorry for the delay." in history
    docs = staff.get(f"/admin/registrar?registration={answered}&tab=docs").get_data(as_text=True)
    assert "record.pdf" in docs and "uploaded by the family" in docs
