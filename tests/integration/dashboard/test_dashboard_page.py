"""GET /admin/dashboard and its settings form over HTTP, from `edquill serve dashboard`: signed
in by the session cookie the registrar's /login sets, a proper sign-in redirect otherwise, and
never a stack trace."""

from __future__ import annotations

import http.client
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from devtools.ports import free_port
from shared.sessions import SESSION_COOKIE, csrf_token_for
from shared.signing import KeyRing
from tests.integration.dashboard.conftest import GENEROUS_BUDGET_SECONDS, dashboard_client
from tests.support.dashboard import submitted


def request(
    url: str,
    path: str,
    *,
    cookie: str | None = None,
    method: str = "GET",
    form: dict | None = None,
    headers: dict | None = None,
):
    """(status, headers, body) without following redirects."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    sent = dict(headers or {})
    if cookie is not None:
        sent["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    body = None
    if form is not None:
        body = urlencode(form)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read().decode()
    finally:
        connection.close()


@pytest.fixture
def school_with_a_lead(make_school, worker):
    school = make_school()
    worker.publish(
        submitted(
            school.id, 5, datetime.now(timezone.utc) - timedelta(days=3), first="Pia", last="Page"
        )
    )
    worker.wait_until_settled()
    return school


def test_the_page_without_a_session_sends_the_browser_to_sign_in(dashboard_service, settings):
    status, headers, body = request(dashboard_service.url, "/admin/dashboard?range=7d")

    assert status == 303
    location = urlsplit(headers["Location"])
    # Under the public address, never the registrar's service-to-service URL.
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{settings.public_url}/login"
    )
    assert parse_qs(location.query)["next"] == [f"{dashboard_service.url}/admin/dashboard?range=7d"]
    assert "Traceback" not in body


def test_a_session_the_registrar_refuses_is_sent_to_sign_in_too(dashboard_service):
    status, headers, _body = request(
        dashboard_service.url, "/admin/dashboard", cookie="forged-or-expired"
    )

    assert status == 303
    assert "/login?next=" in headers["Location"]


def test_behind_the_gateway_the_sign_in_redirect_stays_on_the_origin(dashboard_service):
    status, headers, _body = request(
        dashboard_service.url, "/admin/dashboard", headers={"X-Forwarded-Host": "edquill.example"}
    )

    assert status == 303
    assert headers["Location"] == "/login?next=%2Fadmin%2Fdashboard"


def test_signed_in_the_page_shows_tiles_and_the_rail(
    dashboard_service, school_with_a_lead, settings
):
    status, headers, body = request(
        dashboard_service.url, "/admin/dashboard", cookie=school_with_a_lead.tokens["viewer"]
    )

    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Cache-Control"] == "no-store"
    assert '<li class="tile" id="tile-leads">' in body
    assert '<li class="tile" id="tile-pending_review">' in body
    assert (
        f'<a href="{settings.public_url}/admin/registrar?registration=5">'
        "Pia Page: new lead, not reviewed yet</a>"
    ) in body
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in body
    assert "<caption" in body  # the chart's numbers as a table
    assert 'action="/admin/dashboard/settings"' not in body  # a viewer sees no settings form


def test_a_bad_range_shows_the_page_with_the_fault_not_a_stack_trace(
    dashboard_service, school_with_a_lead
):
    status, _headers, body = request(
        dashboard_service.url,
        "/admin/dashboard?range=custom&from=2026-99-01&to=x",
        cookie=school_with_a_lead.tokens["admin"],
    )

    assert status == 422
    assert 'id="from-error">Enter a date as YYYY-MM-DD.' in body
    assert 'aria-invalid="true"' in body
    assert "Showing the last 30 days instead." in body
    assert "Traceback" not in body


def test_the_page_still_loads_with_the_kpi_service_down(dashboard_settings, school_with_a_lead):
    client = dashboard_client(
        replace(dashboard_settings, kpi_url=f"http://127.0.0.1:{free_port()}"),
        remote_budget_seconds=GENEROUS_BUDGET_SECONDS,
    )
    client.set_cookie(SESSION_COOKIE, school_with_a_lead.tokens["viewer"])

    answer = client.get("/admin/dashboard")

    body = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Some figures are not available right now" in body
    assert body.count('<p class="tag">Not current</p>') == 6
    assert "Pia Page: new lead, not reviewed yet" in body
    assert "The daily figures are not available right now." in body


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)


def test_an_admin_saves_the_targets_with_the_forms_csrf_token(
    dashboard_service, school_with_a_lead, settings
):
    token = school_with_a_lead.tokens["admin"]
    _status, _headers, page = request(dashboard_service.url, "/admin/dashboard", cookie=token)
    assert csrf_of(page) == csrf_token_for(KeyRing.of(settings), token)

    status, headers, _body = request(
        dashboard_service.url,
        "/admin/dashboard/settings",
        cookie=token,
        method="POST",
        form={
            "csrf_token": csrf_of(page),
            "lead_wait_hours": "12",
            "needs_info_wait_hours": "24",
            "approved_wait_hours": "36",
        },
    )

    assert status == 303
    assert headers["Location"].startswith("/admin/dashboard?saved=1")
    _status, _headers, page = request(
        dashboard_service.url, "/admin/dashboard?saved=1", cookie=token
    )
    assert "Targets saved." in page
    assert 'id="lead_wait_hours" name="lead_wait_hours"' in page and 'value="12"' in page


def test_the_settings_form_without_its_csrf_token_is_refused(dashboard_service, school_with_a_lead):
    status, _headers, body = request(
        dashboard_service.url,
        "/admin/dashboard/settings",
        cookie=school_with_a_lead.tokens["admin"],
        method="POST",
        form={"lead_wait_hours": "1", "needs_info_wait_hours": "1", "approved_wait_hours": "1"},
    )

    assert status == 403
    assert "This form has expired" in body


def test_a_csrf_token_of_another_session_is_refused(
    dashboard_service, school_with_a_lead, settings
):
    other = csrf_token_for(KeyRing.of(settings), school_with_a_lead.tokens["viewer"])

    status, _headers, _body = request(
        dashboard_service.url,
        "/admin/dashboard/settings",
        cookie=school_with_a_lead.tokens["admin"],
        method="POST",
        form={
            "csrf_token": other,
            "lead_wait_hours": "1",
            "needs_info_wait_hours": "1",
            "approved_wait_hours": "1",
        },
    )

    assert status == 403


def test_a_viewer_cannot_save_the_targets(dashboard_service, school_with_a_lead, settings):
    token = school_with_a_lead.tokens["viewer"]

    status, _headers, body = request(
        dashboard_service.url,
        "/admin/dashboard/settings",
        cookie=token,
        method="POST",
        form={
            "csrf_token": csrf_token_for(KeyRing.of(settings), token),
            "lead_wait_hours": "1",
            "needs_info_wait_hours": "1",
            "approved_wait_hours": "1",
        },
    )

    assert status == 403
    assert "Only an admin can change the targets" in body


def test_targets_out_of_bounds_are_shown_on_the_form(
    dashboard_service, school_with_a_lead, settings
):
    token = school_with_a_lead.tokens["admin"]

    status, _headers, body = request(
        dashboard_service.url,
        "/admin/dashboard/settings",
        cookie=token,
        method="POST",
        form={
            "csrf_token": csrf_token_for(KeyRing.of(settings), token),
            "lead_wait_hours": "0",
            "needs_info_wait_hours": "lots",
            "approved_wait_hours": "36",
        },
    )

    assert status == 422
    assert 'id="lead_wait_hours-error">Must be between 1 and 2160 hours.' in body
    assert 'id="needs_info_wait_hours-error">Enter a whole number of hours.' in body


def test_the_settings_form_without_a_session_goes_to_sign_in(dashboard_service):
    status, headers, _body = request(
        dashboard_service.url,
        "/admin/dashboard/settings",
        method="POST",
        form={"lead_wait_hours": "1"},
    )

    assert status == 303
    assert "/login?next=" in headers["Location"]


def test_with_the_registrar_down_the_page_says_so_in_html(dashboard_settings):
    client = dashboard_client(
        replace(dashboard_settings, registrar_url=f"http://127.0.0.1:{free_port()}")
    )
    client.set_cookie(SESSION_COOKIE, "some-session")

    answer = client.get("/admin/dashboard")

    assert answer.status_code == 503
    assert answer.content_type.startswith("text/html")
    assert "Sign-in cannot be checked right now" in answer.get_data(as_text=True)
