"""The workspace's Class tab and the waitlist (Flask's test client, real MariaDB): a full
class offers "Add to waitlist" behind the session's CSRF token, and the tab shows the
registration's place and a seat held for its family."""

from __future__ import annotations

import secrets

import pytest

from registrar.adapters.users_store import create_user
from registrar.service_layer.waitlist import add_to_waitlist, unassign_class
from tests.support.pages import csrf_field, sign_in_with_form
from tests.support.waitlist import full_class, waiting_registration

PASSWORD = "correct horse battery"


@pytest.fixture
def registrar_page(client, registrar_db, school, client_address):
    email = f"registrar-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school.id, email, "registrar", PASSWORD)
    assert sign_in_with_form(client, email, PASSWORD, address=client_address).status_code == 303
    return client


@pytest.fixture
def piano(registrar_db, school):
    return full_class(registrar_db, school.id)


def class_tab(page, registration_id: int) -> str:
    return page.get(f"/admin/registrar?registration={registration_id}&tab=class").text


def test_a_full_class_offers_the_waitlist_form(registrar_page, registrar_db, school, piano):
    waiting = waiting_registration(registrar_db, school.id, "Ada")

    html = class_tab(registrar_page, waiting)

    assert 'id="waitlist-form"' in html
    assert f'<option value="{piano.schedule_id}">Piano' in html


def test_adding_from_the_tab_puts_it_on_the_list(registrar_page, registrar_db, school, piano):
    waiting = waiting_registration(registrar_db, school.id, "Ada")
    token = csrf_field(class_tab(registrar_page, waiting))

    answer = registrar_page.post(
        f"/admin/registrar/registrations/{waiting}/waitlist",
        data={"csrf_token": token, "version": "1", "schedule_id": str(piano.schedule_id)},
    )

    assert answer.status_code == 303
    assert "number 1 on the waitlist" in class_tab(registrar_page, waiting)


def test_a_post_without_the_csrf_token_changes_nothing(registrar_page, registrar_db, school, piano):
    waiting = waiting_registration(registrar_db, school.id, "Ada")

    answer = registrar_page.post(
        f"/admin/registrar/registrations/{waiting}/waitlist",
        data={"version": "1", "schedule_id": str(piano.schedule_id)},
    )

    assert answer.status_code == 403
    assert "on the waitlist" not in class_tab(registrar_page, waiting)


def test_the_tab_shows_a_seat_held_for_the_family(registrar_page, registrar_db, school, piano):
    waiting = waiting_registration(registrar_db, school.id, "Ada")
    add_to_waitlist(registrar_db, school.id, waiting, piano.schedule_id, "staff")
    unassign_class(registrar_db, school.id, piano.seated[0], "staff")

    assert "a seat is held for the family until" in class_tab(registrar_page, waiting)
