"""/admin/settings (Flask's test client, real MariaDB): for admins only, CSRF on every form, a
new time zone saved only once confirmed, post/redirect/get with a confirmation, and the
sections other services keep shown as unavailable when that service does not answer, while
the rest of the page still works. (The notifier and dashboard answering for real: the browser
test, tests/browser/test_settings_page.py.)"""

from __future__ import annotations

import secrets
from dataclasses import replace

import pytest

from devtools.ports import free_port
from registrar.adapters.users_store import create_user
from registrar.entrypoints.app import create_app
from tests.support.pages import csrf_field, sign_in_with_form

PASSWORD = "correct horse battery"
CONSEQUENCE = (
    "From now on days start at midnight in Europe/Madrid: future daily figures, quiet hours "
    "and reminders follow it; past figures stay as counted."
)


@pytest.fixture(scope="module")
def nobody_listens() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def settings_app(settings, nobody_listens):
    """The registrar with no notifier and no dashboard behind it."""
    return create_app(
        replace(settings, notifier_url=nobody_listens, dashboard_url=nobody_listens),
        {"TESTING": True},
    )


def signed_in(app, registrar_db, school, role: str, address: str):
    client = app.test_client()
    email = f"{role}-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school.id, email, role, PASSWORD)
    assert sign_in_with_form(client, email, PASSWORD, address=address).status_code == 303
    return client


@pytest.fixture
def admin_page(settings_app, registrar_db, school, client_address):
    return signed_in(settings_app, registrar_db, school, "admin", client_address)


def school_form(page, **typed) -> dict:
    return {
        "csrf_token": csrf_field(page.get("/admin/settings").text),
        "name": "Sunrise Academy",
        "timezone": "UTC",
        "currency": "USD",
        "default_language": "en",
        **typed,
    }


def stored(registrar_db, school_id: int) -> dict:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT name, timezone, currency, seat_offer_hours FROM schools WHERE id = %s",
            (school_id,),
        )
        return cursor.fetchone()


def test_the_page_needs_a_session(settings_app):
    answer = settings_app.test_client().get("/admin/settings")

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_the_page_and_its_forms_are_for_admins(
    settings_app, registrar_db, school, client_address, role
):
    page = signed_in(settings_app, registrar_db, school, role, client_address)
    csrf = csrf_field(page.get("/admin/registrar").text)
    before = stored(registrar_db, school.id)

    shown = page.get("/admin/settings")
    posted = page.post(
        "/admin/settings/seat-offers", data={"csrf_token": csrf, "seat_offer_hours": "5"}
    )

    assert shown.status_code == 403 and "for the admin role" in shown.text
    assert posted.status_code == 403
    assert stored(registrar_db, school.id) == before
    assert 'href="/admin/settings"' not in page.get("/admin/registrar").text


def test_an_admin_has_the_page_in_the_top_navigation(admin_page):
    html = admin_page.get("/admin/settings").text

    assert 'href="/admin/settings" aria-current="page"' in html
    assert 'href="/admin/settings"' in admin_page.get("/admin/registrar").text


@pytest.mark.parametrize(
    "path, fields",
    [
        ("/admin/settings/school", {"name": "Forged", "timezone": "UTC", "currency": "USD"}),
        ("/admin/settings/seat-offers", {"seat_offer_hours": "5"}),
        ("/admin/settings/flags/autopay", {"enabled": "yes"}),
        ("/admin/settings/family-links", {"family_link_days": "3"}),
        ("/admin/settings/dashboard-targets", {"lead_wait_hours": "5"}),
    ],
)
def test_a_post_without_its_csrf_token_changes_nothing(
    admin_page, registrar_db, school, path, fields
):
    before = stored(registrar_db, school.id)

    answer = admin_page.post(path, data={**fields, "csrf_token": "forged"})

    assert answer.status_code == 403 and "This page had expired" in answer.text
    assert stored(registrar_db, school.id) == before


def test_a_new_time_zone_is_explained_and_saved_only_once_confirmed(
    admin_page, registrar_db, school
):
    form = school_form(admin_page, timezone="Europe/Madrid")

    asked = admin_page.post("/admin/settings/school", data=form)

    assert asked.status_code == 200
    assert CONSEQUENCE in asked.text
    assert 'name="confirm_timezone" value="yes"' in asked.text
    assert stored(registrar_db, school.id)["timezone"] == "UTC"

    confirmed = admin_page.post("/admin/settings/school", data={**form, "confirm_timezone": "yes"})

    assert confirmed.status_code == 303
    assert confirmed.headers["Location"] == "/admin/settings?done=timezone"
    assert stored(registrar_db, school.id)["timezone"] == "Europe/Madrid"
    after = admin_page.get(confirmed.headers["Location"]).text
    assert "Saved: the school&#39;s days now start at midnight" in after
    assert 'value="Europe/Madrid"' in after


def test_the_rest_of_the_schools_settings_save_without_a_question(admin_page, registrar_db, school):
    answer = admin_page.post(
        "/admin/settings/school", data=school_form(admin_page, name="Sunset School")
    )

    assert answer.status_code == 303 and answer.headers["Location"].endswith("done=school")
    assert stored(registrar_db, school.id)["name"] == "Sunset School"


def test_a_bad_value_is_named_and_what_was_typed_kept(admin_page, registrar_db, school):
    answer = admin_page.post(
        "/admin/settings/school",
        data=school_form(admin_page, name="Kept name", timezone="Atlantis/Lost"),
    )

    assert answer.status_code == 422
    assert "Time zone: Must be an IANA time zone name" in answer.text
    assert 'value="Atlantis/Lost"' in answer.text and 'value="Kept name"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert stored(registrar_db, school.id)["timezone"] == "UTC"


def test_the_seat_offer_hold_is_saved_and_audited(admin_page, registrar_db, school):
    csrf = csrf_field(admin_page.get("/admin/settings").text)

    answer = admin_page.post(
        "/admin/settings/seat-offers", data={"csrf_token": csrf, "seat_offer_hours": "6"}
    )

    assert answer.status_code == 303
    assert stored(registrar_db, school.id)["seat_offer_hours"] == 6
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT new_value, actor FROM t_audit_log WHERE school_id = %s "
            "AND action = 'school_setting_changed' ORDER BY id DESC LIMIT 1",
            (school.id,),
        )
        entry = cursor.fetchone()
    assert entry["new_value"] == "seat_offer_hours=6"
    assert entry["actor"].startswith("admin-")


def test_a_feature_flag_is_turned_on_from_the_page(admin_page, registrar_db, school):
    csrf = csrf_field(admin_page.get("/admin/settings").text)

    answer = admin_page.post(
        "/admin/settings/flags/autopay", data={"csrf_token": csrf, "enabled": "yes"}
    )
    unknown = admin_page.post(
        "/admin/settings/flags/teleport", data={"csrf_token": csrf, "enabled": "yes"}
    )

    assert answer.status_code == 303
    assert unknown.status_code == 404
    html = admin_page.get("/admin/settings").text
    assert 'Turn off<span class="visually-hidden"> autopay' in html


def test_a_notifier_and_dashboard_that_are_down_show_their_sections_unavailable(admin_page):
    answer = admin_page.get("/admin/settings")

    assert answer.status_code == 200
    assert 'id="family-links-unavailable"' in answer.text
    assert 'id="dashboard-unavailable"' in answer.text
    assert "This section is unavailable: the notifier is not answering" in answer.text
    # The registrar's own sections still work.
    assert 'action="/admin/settings/school"' in answer.text
    assert 'action="/admin/settings/seat-offers"' in answer.text
    assert 'name="family_link_days"' not in answer.text


def test_saving_into_a_service_that_is_down_says_nothing_was_saved(
    admin_page, registrar_db, school
):
    csrf = csrf_field(admin_page.get("/admin/settings").text)
    entries_before = _audit_count(registrar_db, school.id)

    answer = admin_page.post(
        "/admin/settings/family-links", data={"csrf_token": csrf, "family_link_days": "3"}
    )

    assert answer.status_code == 503
    assert "Nothing was saved: This section is unavailable" in answer.text
    assert _audit_count(registrar_db, school.id) == entries_before


def _audit_count(registrar_db, school_id: int) -> int:
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM t_audit_log WHERE school_id = %s", (school_id,))
        return cursor.fetchone()["n"]
