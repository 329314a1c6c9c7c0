"""GET /admin/messages and its forms over HTTP, signed in by the session cookie the registrar's
/login sets (the real registrar vouches for it): admins only (a registrar or viewer gets the
403 page, on the server), every form refused without the session's CSRF token, changes
redirected back (post/redirect/get), and a preview written on the server without a script."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from notifier.entrypoints.app import create_app
from registrar.adapters.tokens_store import issue_token
from shared.sessions import SESSION_COOKIE, csrf_token_for
from shared.signing import KeyRing
from tests.support.factories import create_school

PAGE = "/admin/messages"
SETTINGS = {
    "quiet_hours_start": "22:00",
    "quiet_hours_end": "07:00",
    "reminders_enabled": "yes",
    "needs_info_reminder_hours": "48",
    "invoice_reminder_hours": "96",
}
WORDING = {
    "language": "en",
    "subject": "{{ school_name }} needs a document",
    "text": "Dear {{ guardian_name }}, please send it.",
    "html": "<p>Dear {{ guardian_name }}, please send it.</p>",
}


@pytest.fixture(scope="module")
def app(api_settings):
    return create_app(api_settings, {"TESTING": True})


@pytest.fixture
def tokens(registrar_db):
    school_id = create_school(registrar_db)
    return {
        role: issue_token(registrar_db, school_id, role)
        for role in ("admin", "registrar", "viewer")
    }


def signed_in(app, token: str):
    client = app.test_client()
    client.set_cookie(SESSION_COOKIE, token)
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def settings_of(client) -> str:
    return client.get(PAGE).get_data(as_text=True)


def test_without_a_session_the_page_sends_the_browser_to_sign_in(app):
    answer = app.test_client().get(f"{PAGE}?status=held")

    assert answer.status_code == 303
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"][0].endswith("/admin/messages?status=held")


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_the_page_is_refused_to_a_role_below_admin(app, tokens, role):
    answer = signed_in(app, tokens[role]).get(PAGE)

    assert answer.status_code == 403
    html = answer.get_data(as_text=True)
    assert "This page is for the admin role" in html
    assert f"You are signed in as a {role}" in html
    assert "csrf_token" not in html  # no form of the page is shown


def test_a_registrar_cannot_post_the_pages_forms_even_with_its_own_csrf_token(
    app, tokens, api_settings
):
    client = signed_in(app, tokens["registrar"])
    # The token the registrar's own workspace pages give this session's forms.
    csrf = csrf_token_for(KeyRing.of(api_settings), tokens["registrar"])

    answer = client.post(f"{PAGE}/settings", data={**SETTINGS, "csrf_token": csrf})

    assert answer.status_code == 403
    assert "This page is for the admin role" in answer.get_data(as_text=True)
    assert 'value="22:00"' not in settings_of(signed_in(app, tokens["admin"]))


def test_an_admin_sees_the_templates_the_log_and_the_settings(app, tokens):
    answer = signed_in(app, tokens["admin"]).get(f"{PAGE}?template=needs_info&language=es")

    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    for heading in ("Wording of each message", "Message log", "Quiet hours and reminders"):
        assert heading in html
    assert "Edit “needs info” in Español" in html
    assert answer.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


@pytest.mark.parametrize("csrf", [None, "forged"], ids=["missing", "forged"])
def test_a_form_without_the_sessions_csrf_token_changes_nothing(app, tokens, csrf):
    client = signed_in(app, tokens["admin"])
    form = {**SETTINGS, **({"csrf_token": csrf} if csrf else {})}

    answer = client.post(f"{PAGE}/settings", data=form)

    assert answer.status_code == 403
    assert "This page had expired" in answer.get_data(as_text=True)
    assert 'value="22:00"' not in settings_of(client)


def test_a_csrf_token_of_another_session_is_refused(app, tokens, registrar_db):
    other = signed_in(app, tokens["admin"])
    stolen = csrf_of(settings_of(other))
    school_id = create_school(registrar_db)
    client = signed_in(app, issue_token(registrar_db, school_id, "admin"))

    answer = client.post(
        f"{PAGE}/templates/needs_info", data={**WORDING, "action": "save", "csrf_token": stolen}
    )

    assert answer.status_code == 403


def test_saved_settings_redirect_back_and_show(app, tokens):
    client = signed_in(app, tokens["admin"])
    csrf = csrf_of(settings_of(client))

    answer = client.post(f"{PAGE}/settings", data={**SETTINGS, "csrf_token": csrf})

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/admin/messages?done=settings#settings-heading")
    html = settings_of(client)
    assert 'value="22:00"' in html and 'value="48"' in html


def test_settings_out_of_range_are_refused_with_the_field_named(app, tokens):
    client = signed_in(app, tokens["admin"])
    csrf = csrf_of(settings_of(client))

    answer = client.post(
        f"{PAGE}/settings", data={**SETTINGS, "quiet_hours_start": "25:00", "csrf_token": csrf}
    )

    assert answer.status_code == 422
    assert "Quiet hours start: Must be a time of day as HH:MM." in answer.get_data(as_text=True)


def test_the_preview_button_writes_the_preview_on_the_server_and_saves_nothing(app, tokens):
    client = signed_in(app, tokens["admin"])
    csrf = csrf_of(settings_of(client))

    answer = client.post(
        f"{PAGE}/templates/needs_info", data={**WORDING, "action": "preview", "csrf_token": csrf}
    )

    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert '<span id="preview-subject">Sunrise Music School needs a document</span>' in html
    assert "Dear Grace Hopper, please send it." in html
    editor = client.get(f"{PAGE}?template=needs_info&language=en").get_data(as_text=True)
    assert "needs a document" not in editor


def test_a_wording_that_does_not_render_is_refused_with_its_line(app, tokens):
    client = signed_in(app, tokens["admin"])
    csrf = csrf_of(settings_of(client))
    broken = {**WORDING, "text": "Dear {{ guardian_name }},\n{% if %}", "action": "save"}

    answer = client.post(f"{PAGE}/templates/needs_info", data={**broken, "csrf_token": csrf})

    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Text version: Line 2: template needs_info (school) (text): TemplateSyntaxError" in html
    assert "{% if %}" in html  # what was typed is kept


def test_a_saved_wording_redirects_back_to_the_editor_and_can_be_reset(app, tokens):
    client = signed_in(app, tokens["admin"])
    csrf = csrf_of(settings_of(client))

    saved = client.post(
        f"{PAGE}/templates/needs_info", data={**WORDING, "action": "save", "csrf_token": csrf}
    )
    editor = client.get(f"{PAGE}?template=needs_info&language=en").get_data(as_text=True)
    reset = client.post(
        f"{PAGE}/templates/needs_info/reset", data={"language": "en", "csrf_token": csrf}
    )

    assert saved.status_code == 303
    assert "done=saved" in saved.headers["Location"]
    assert "{{ school_name }} needs a document" in editor
    assert "Reset to the default wording" in editor
    assert reset.status_code == 303
    again = client.get(f"{PAGE}?template=needs_info&language=en").get_data(as_text=True)
    assert "needs a document" not in again
