"""The family's pages a family link opens (/family/{token}) and withdrawing from them, on the
session's MariaDB: a link opens its own registration only, expired and tampered links get a
clear page, and a withdrawal is the family's, frees the seat and enqueues its event."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from registrar.entrypoints.app import create_app
from shared.family_links import FAMILY_LINK_LIFETIME
from tests.support.classes import enable_flag, outbox_events, registration_in_class, seats_taken
from tests.support.factories import create_registration, set_status
from tests.support.family import a_day_past, family_link_path, withdraw_form

FAMILY = "parent@example.com"


@pytest.fixture
def placed(registrar_db, school) -> int:
    return registration_in_class(registrar_db, school.id, status="in_review")


@pytest.fixture
def page(settings, school, placed) -> str:
    return family_link_path(settings, school.id, placed, FAMILY)


def schedule_of(connection, registration_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schedule_id FROM class_placements WHERE registration_id = %s",
            (registration_id,),
        )
        return cursor.fetchone()["schedule_id"]


def history(connection, registration_id: int) -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT actor, action, new_value FROM t_audit_log WHERE entity_type = 'registration' "
            "AND entity_id = %s ORDER BY id",
            (registration_id,),
        )
        return [(r["actor"], r["action"], r["new_value"]) for r in cursor.fetchall()]


def status_of(connection, registration_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM student_self_registrations WHERE id = %s", (registration_id,)
        )
        return cursor.fetchone()["status"]


def withdraw(client, page: str, **fields):
    form = withdraw_form(client.get(page).get_data(as_text=True))
    return client.post(f"{page}/withdraw", data={**form, **fields})


def test_the_link_opens_its_registration_in_plain_words(client, page):
    response = client.get(page)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ada Lovelace’s registration" in html
    assert "In review" in html
    assert '<html lang="en">' in html
    assert "Every Monday, 4:00\u202fPM to 5:00\u202fPM" in html


def test_the_page_keeps_its_link_out_of_referers_and_caches(client, page):
    headers = client.get(page).headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_a_link_of_one_registration_never_opens_another(client, settings, registrar_db, school):
    first = create_registration(registrar_db, school.id, first_name="Ada", email=FAMILY)
    second = create_registration(registrar_db, school.id, first_name="Grace", email=FAMILY)
    link = family_link_path(settings, school.id, first, FAMILY)
    other = family_link_path(settings, school.id, second, FAMILY)
    # The payload of one link with the signature of the other: tampered.
    spliced = link.rsplit(".", 1)[0] + "." + other.rsplit(".", 1)[1]

    assert "Grace" not in client.get(link).get_data(as_text=True)
    assert client.get(spliced).status_code == 403


def test_a_link_for_another_address_or_school_is_refused(
    client, settings, school, other_school, placed
):
    assert (
        client.get(family_link_path(settings, school.id, placed, "x@example.com")).status_code
        == 403
    )
    assert (
        client.get(family_link_path(settings, other_school.id, placed, FAMILY)).status_code == 403
    )


def test_a_tampered_link_gets_a_clear_page_offering_a_fresh_one(client, page):
    response = client.get(page[:-4] + "abcd")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "This link does not work" in html
    assert 'href="/family?lang=en"' in html


def test_an_expired_link_gets_a_clear_page_offering_a_fresh_one(settings, page):
    later = a_day_past(datetime.now(timezone.utc), FAMILY_LINK_LIFETIME.days)
    app = create_app(settings, {"TESTING": True, "EDQUILL_FAMILY_CLOCK": lambda: later})
    response = app.test_client().get(page)
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "This link has expired" in html
    assert 'href="/family?lang=en"' in html


def test_needs_info_shows_what_the_school_asked(client, registrar_db, page, placed):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET status = 'needs_info', status_note = %s, "
            "info_missing = %s WHERE id = %s",
            ("Please send the <birth> certificate.", '["birth certificate"]', placed),
        )
    html = client.get(page).get_data(as_text=True)
    assert "Please send the &lt;birth&gt; certificate." in html
    assert "<li>birth certificate</li>" in html


def test_an_approved_registration_shows_its_invoice_and_autopay_link(
    client, registrar_db, school, page, placed
):
    enable_flag(registrar_db, school.id, "autopay")
    client.post(
        "/api/admin/self-registration/approve",
        json={"registration_id": placed, "send_invoice": True, "send_autopay_link": True},
        headers=school.headers("registrar"),
    )
    html = client.get(page).get_data(as_text=True)
    assert "$180.00" in html
    assert re.search(r'href="/autopay/[\w.-]+"', html)


def test_withdrawing_is_the_familys_change_and_frees_the_seat(
    client, registrar_db, school, page, placed
):
    schedule_id = schedule_of(registrar_db, placed)
    response = withdraw(client, page, reason="We moved away.")

    assert response.status_code == 303
    assert status_of(registrar_db, placed) == "withdrawn"
    assert ("family", "status_changed", "withdrawn") in history(registrar_db, placed)
    assert seats_taken(registrar_db, schedule_id) == 0
    (event,) = [
        e
        for e in outbox_events(registrar_db, school.id, "selfreg.status.updated")
        if e["payload"]["to_status"] == "withdrawn"
    ]
    assert event["payload"]["from_status"] == "in_review"
    assert event["payload"]["note"] == "We moved away."
    assert "Withdrawn" in client.get(page).get_data(as_text=True)


def test_a_replayed_withdraw_form_is_refused(client, registrar_db, page, placed):
    form = withdraw_form(client.get(page).get_data(as_text=True))
    assert client.post(f"{page}/withdraw", data=form).status_code == 303
    replayed = client.post(f"{page}/withdraw", data=form)
    assert replayed.status_code == 403
    assert "nothing was changed" in replayed.get_data(as_text=True)


def test_a_withdraw_without_its_form_token_is_refused(client, registrar_db, page, placed):
    assert client.post(f"{page}/withdraw", data={"version": "1"}).status_code == 403
    assert status_of(registrar_db, placed) == "in_review"


def test_a_converted_registration_cannot_be_withdrawn(client, registrar_db, page, placed):
    # The form as a tab left open showed it; the school enrolled the child meanwhile.
    form = withdraw_form(client.get(page).get_data(as_text=True))
    set_status(registrar_db, placed, "approved")
    set_status(registrar_db, placed, "converted")
    response = client.post(f"{page}/withdraw", data=form)
    assert response.status_code == 409
    assert "can no longer be withdrawn" in response.get_data(as_text=True)
    assert status_of(registrar_db, placed) == "converted"


def test_staff_cannot_withdraw_for_the_family(client, school, placed):
    response = client.post(
        "/api/admin/self-registration/status",
        json={"registration_id": placed, "status": "withdrawn"},
        headers=school.headers("registrar"),
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_transition"


def test_the_lead_queue_lists_withdrawn_registrations(client, school, page, placed):
    withdraw(client, page)
    answer = client.get(
        "/api/admin/self-registration?status=withdrawn", headers=school.headers("viewer")
    ).get_json()
    assert [row["id"] for row in answer["items"]] == [placed]
