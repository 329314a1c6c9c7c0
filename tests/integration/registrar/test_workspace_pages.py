"""The registrar workspace's pages and form posts (Flask's test client, real MariaDB): sign-in
required, school scoping, CSRF and roles on every post, the board's flags and filters, and
the security headers. The demo itself runs in Chromium (tests/browser)."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from devtools.ports import free_port
from registrar.adapters.users_store import create_user
from registrar.entrypoints.app import create_app
from registrar.service_layer.approvals import approve
from registrar.service_layer.lead_status import change_status
from registrar.service_layer.payments import pay
from shared.sessions import SESSION_COOKIE
from tests.support.classes import create_schedule, create_teacher, place, registration_in_class
from tests.support.factories import create_registration
from tests.support.pages import csrf_field, sign_in_with_form

PASSWORD = "correct horse battery"


def signed_in(client, registrar_db, school, role: str, address: str):
    email = f"{role}-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school.id, email, role, PASSWORD)
    answer = sign_in_with_form(client, email, PASSWORD, address=address)
    assert answer.status_code == 303
    return client


@pytest.fixture
def registrar_page(client, registrar_db, school, client_address):
    return signed_in(client, registrar_db, school, "registrar", client_address)


@pytest.fixture
def viewer_page(client, registrar_db, school, client_address):
    return signed_in(client, registrar_db, school, "viewer", client_address)


def status_of(registrar_db, registration_id: int) -> str:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM student_self_registrations WHERE id = %s", (registration_id,)
        )
        return cursor.fetchone()["status"]


def move_form(page, registration_id: int) -> dict:
    html = page.get(f"/admin/registrar?registration={registration_id}").text
    return {"csrf_token": csrf_field(html), "version": "1", "status": "in_review"}


# -- signed in, and only to one's own school -------------------------------------------------


def test_the_workspace_sends_a_visitor_to_sign_in_with_the_page_to_return_to(client):
    answer = client.get("/admin/registrar?registration=12&tab=docs")

    assert answer.status_code == 303
    assert answer.headers["Location"] == (
        "/login?next=%2Fadmin%2Fregistrar%3Fregistration%3D12%26tab%3Ddocs"
    )


def test_a_fragment_without_a_session_answers_401(client):
    assert client.get("/admin/registrar/registrations/1/panel").status_code == 401


def test_another_schools_registration_is_a_not_found_page(
    registrar_page, registrar_db, other_school
):
    foreign = create_registration(registrar_db, other_school.id, first_name="Secret")

    for path in (
        f"/admin/registrar?registration={foreign}",
        f"/admin/registrar/registrations/{foreign}/panel",
        f"/admin/registrar/registrations/{foreign}/messages",
        f"/admin/registrar/registrations/{foreign}/placement-check?schedule_id=1",
    ):
        answer = registrar_page.get(path)
        assert answer.status_code == 404, path
        assert answer.mimetype == "text/html" and "Secret" not in answer.text


def test_another_schools_registration_cannot_be_moved(
    registrar_page, registrar_db, school, other_school
):
    own = create_registration(registrar_db, school.id)
    foreign = create_registration(registrar_db, other_school.id)
    form = move_form(registrar_page, own)

    answer = registrar_page.post(f"/admin/registrar/registrations/{foreign}/status", data=form)

    assert answer.status_code == 404
    assert status_of(registrar_db, foreign) == "pending"


# -- CSRF and roles --------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_changes_nothing(registrar_page, registrar_db, school):
    registration_id = create_registration(registrar_db, school.id)
    form = {**move_form(registrar_page, registration_id), "csrf_token": "forged"}

    answer = registrar_page.post(
        f"/admin/registrar/registrations/{registration_id}/status", data=form
    )

    assert answer.status_code == 403 and "This page had expired" in answer.text
    assert status_of(registrar_db, registration_id) == "pending"


def test_the_csrf_token_may_come_in_the_header(registrar_page, registrar_db, school):
    registration_id = create_registration(registrar_db, school.id)
    form = move_form(registrar_page, registration_id)
    token = form.pop("csrf_token")

    answer = registrar_page.post(
        f"/admin/registrar/registrations/{registration_id}/status",
        data=form,
        headers={"X-CSRF-Token": token},
    )

    assert answer.status_code == 303
    assert status_of(registrar_db, registration_id) == "in_review"


def test_a_viewer_sees_no_forms_and_cannot_post_one(viewer_page, registrar_db, school):
    registration_id = create_registration(registrar_db, school.id)
    html = viewer_page.get(f"/admin/registrar?registration={registration_id}").text
    assert "can look at registrations but not change them" in html
    assert 'action="/admin/registrar/registrations' not in html

    answer = viewer_page.post(
        f"/admin/registrar/registrations/{registration_id}/status",
        data={"csrf_token": csrf_field(html), "version": "1", "status": "in_review"},
    )

    assert answer.status_code == 403
    assert status_of(registrar_db, registration_id) == "pending"


def test_a_form_without_its_version_is_refused(registrar_page, registrar_db, school):
    registration_id = create_registration(registrar_db, school.id)
    form = {**move_form(registrar_page, registration_id), "version": ""}

    answer = registrar_page.post(
        f"/admin/registrar/registrations/{registration_id}/status", data=form
    )

    assert answer.status_code == 422
    assert "does not say which version" in answer.text
    assert status_of(registrar_db, registration_id) == "pending"


def test_a_form_of_an_older_version_is_refused_as_stale(registrar_page, registrar_db, school):
    registration_id = create_registration(registrar_db, school.id)
    form = move_form(registrar_page, registration_id)
    change_status(
        registrar_db, school.id, registration_id, "rejected", "someone@else", note="Not this year"
    )

    answer = registrar_page.post(
        f"/admin/registrar/registrations/{registration_id}/status", data=form
    )

    assert answer.status_code == 409
    assert "Someone else changed this registration" in answer.text
    assert status_of(registrar_db, registration_id) == "rejected"


# -- the board ---------------------------------------------------------------------------------


def test_a_card_in_an_overfull_class_is_flagged_as_a_conflict(registrar_page, registrar_db, school):
    teacher = create_teacher(registrar_db, school.id)
    tiny = create_schedule(registrar_db, school.id, teacher, capacity=1)
    first, second = (
        create_registration(
            registrar_db, school.id, first_name=name, email=f"{name}@families.example"
        )
        for name in ("Una", "Dos")
    )
    for registration_id in (first, second):
        place(registrar_db, school.id, registration_id, tiny)

    html = registrar_page.get("/admin/registrar").text

    assert html.count("Class conflict") == 2


def test_search_narrows_every_column(registrar_page, registrar_db, school):
    create_registration(registrar_db, school.id, first_name="Zebedee")
    create_registration(registrar_db, school.id, first_name="Yolanda")

    html = registrar_page.get("/admin/registrar?q=zeb").text

    assert "Zebedee" in html and "Yolanda" not in html


def test_a_search_too_short_is_explained_and_ignored(registrar_page, registrar_db, school):
    create_registration(registrar_db, school.id, first_name="Yolanda")

    html = registrar_page.get("/admin/registrar?q=y").text

    assert "Search needs 2 to 100 characters" in html and "Yolanda" in html


def test_pages_forbid_framing_and_foreign_scripts(registrar_page):
    answer = registrar_page.get("/admin/registrar")

    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["Cache-Control"] == "no-store"


def test_assets_are_served_under_the_pages_path_long_cached_at_their_versioned_url(
    client, registrar_page
):
    page = registrar_page.get("/admin/registrar").text
    [versioned] = re.findall(r'src="(/admin/registrar/static/workspace\.js\?v=\w+)"', page)

    answer = client.get(versioned)

    assert answer.status_code == 200
    assert "max-age=31536000" in answer.headers["Cache-Control"]


def test_an_asset_asked_for_without_its_version_is_revalidated_not_kept(client):
    """Another service's staff page links the workspace's stylesheet so: a year's caching
    would keep an old sheet after an upgrade."""
    for url in (
        "/admin/registrar/static/workspace.css",
        "/admin/registrar/static/workspace.css?v=000000000000",
    ):
        answer = client.get(url)
        assert answer.status_code == 200
        assert "max-age=31536000" not in answer.headers.get("Cache-Control", "")
        again = client.get(url, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304


def test_the_session_cookie_is_what_signs_the_page_in(client, registrar_page):
    registrar_page.delete_cookie(SESSION_COOKIE)

    assert client.get("/admin/registrar").status_code == 303


def test_history_says_in_words_when_the_notifier_cannot_answer(
    settings, registrar_db, school, client_address
):
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    app = create_app(replace(settings, notifier_url=nobody_listens), {"TESTING": True})
    page = signed_in(app.test_client(), registrar_db, school, "viewer", client_address)
    registration_id = create_registration(registrar_db, school.id)
    change_status(registrar_db, school.id, registration_id, "in_review", "someone@school")

    html = page.get(f"/admin/registrar?registration={registration_id}&tab=history").text

    assert "The list of messages sent cannot be shown right now" in html
    assert "Status changed from Pending to In review" in html


def test_the_dashboard_link_points_at_the_dashboards_port_when_no_gateway_is_in_front(
    registrar_page, settings
):
    registrar_port, dashboard_port = settings.ports["registrar"], settings.ports["dashboard"]

    html = registrar_page.get("/admin/registrar", base_url=f"http://localhost:{registrar_port}")

    assert f'href="http://localhost:{dashboard_port}/admin/dashboard"' in html.text
    assert 'href="/admin/dashboard"' in registrar_page.get("/admin/registrar").text


def test_the_fees_tab_shows_the_invoice_its_lines_and_its_payments(
    registrar_page, registrar_db, school, settings
):
    registration_id = registration_in_class(registrar_db, school.id, fee_minor=18000)
    invoice = approve(
        registrar_db,
        settings,
        school.id,
        registration_id,
        send_invoice=True,
        send_autopay_link=False,
        actor="someone@school",
        now=datetime.now(timezone.utc),
    )
    pay(registrar_db, settings, school.id, invoice["id"], 5000, "card", "R-77", "someone@school")

    html = registrar_page.get(f"/admin/registrar?registration={registration_id}&tab=fees").text

    assert f"Invoice {invoice['number']}" in html
    assert "Tuition: Piano" in html and "USD 180.00" in html
    assert "R-77" in html and "USD 50.00" in html and "USD 130.00" in html
