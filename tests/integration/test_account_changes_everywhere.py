"""A disabled account, a revoked token and a role change hold from the next request in every
service: in the registrar (`edquill serve registrar`, over real HTTP) and in the services that
ask it about tokens through shared.remote_auth (the KPI API, the notifier API, the dashboard's
page with its session cookie)."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import replace

import pytest
from click.testing import CliRunner

from dashboard.entrypoints.app import create_app as create_dashboard
from kpi.entrypoints.app import create_app as create_kpi
from notifier.entrypoints.app import create_app as create_notifier
from registrar.adapters.tokens_store import hash_token, issue_token
from registrar.adapters.users_store import create_user
from registrar.entrypoints.cli import token as token_command
from registrar.entrypoints.cli import user as user_command
from shared.sessions import SESSION_COOKIE
from tests.support.factories import create_school

PASSWORD = "a long enough password"
# Nothing listens on the discard port: the dashboard's figures are beside the point here.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def remote_settings(settings, registrar_url):
    return replace(settings, registrar_url=registrar_url, kpi_url=NOWHERE, notifier_url=NOWHERE)


@pytest.fixture(scope="module")
def kpi(remote_settings):
    return create_kpi(remote_settings, {"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def notifier(remote_settings):
    return create_notifier(remote_settings, {"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def dashboard(remote_settings):
    return create_dashboard(remote_settings, {"TESTING": True}).test_client()


@pytest.fixture
def account(registrar_db):
    """(school id, e-mail) of an admin account, beside a second admin: a school's last active
    admin can be neither disabled nor demoted."""
    school_id = create_school(registrar_db)
    email = f"head-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school_id, email, "admin", PASSWORD)
    create_user(
        registrar_db, school_id, f"deputy-{secrets.token_hex(4)}@school.example", "admin", PASSWORD
    )
    return school_id, email


def _registrar(registrar_url, method, path, token=None, body=None):
    """(status, JSON answer) of a call to the registrar process."""
    request = urllib.request.Request(
        registrar_url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Accesstoken": token} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


@pytest.fixture
def signed_in(registrar_url, account):
    school_id, email = account
    status, answer = _registrar(
        registrar_url, "POST", "/api/auth/login", body={"email": email, "password": PASSWORD}
    )
    assert status == 200, answer
    return answer["token"]


def _kpi_status(kpi, token) -> int:
    return kpi.get(
        "/api/kpi/summary?from=2025-11-01&to=2025-11-02", headers={"Accesstoken": token}
    ).status_code


def _notifier_settings_status(notifier, token) -> int:
    return notifier.get("/api/messages/settings", headers={"Accesstoken": token}).status_code


def _dashboard_page(dashboard, token):
    dashboard.set_cookie(SESSION_COOKIE, token)
    try:
        return dashboard.get("/admin/dashboard")
    finally:
        dashboard.delete_cookie(SESSION_COOKIE)


def _cli(group, settings, *args):
    result = CliRunner().invoke(group, list(args), obj=settings)
    assert result.exit_code == 0, result.output


def test_a_disabled_accounts_token_is_refused_at_once_by_every_service(
    settings, registrar_url, kpi, notifier, account, signed_in
):
    school_id, email = account
    assert _registrar(registrar_url, "GET", "/api/auth/me", signed_in)[0] == 200
    assert _kpi_status(kpi, signed_in) == 200
    assert _notifier_settings_status(notifier, signed_in) == 200

    _cli(user_command, settings, "disable", "--school-id", str(school_id), "--email", email)

    assert _registrar(registrar_url, "GET", "/api/auth/me", signed_in)[0] == 401
    assert _kpi_status(kpi, signed_in) == 401
    assert _notifier_settings_status(notifier, signed_in) == 401


def test_a_disabled_accounts_session_cookie_stops_on_the_dashboard_page(
    settings, remote_settings, dashboard, account, signed_in
):
    school_id, email = account
    assert _dashboard_page(dashboard, signed_in).status_code == 200

    _cli(user_command, settings, "disable", "--school-id", str(school_id), "--email", email)

    page = _dashboard_page(dashboard, signed_in)
    assert page.status_code == 303
    assert page.headers["Location"].startswith(f"{remote_settings.public_url}/login?next=")


def test_a_revoked_token_is_refused_at_once_by_every_service(
    settings, registrar_url, registrar_db, kpi, notifier
):
    school_id = create_school(registrar_db)
    secret = issue_token(registrar_db, school_id, "admin", label="integration")
    assert _kpi_status(kpi, secret) == 200
    assert _notifier_settings_status(notifier, secret) == 200

    _cli(
        token_command,
        settings,
        "revoke",
        "--school-id",
        str(school_id),
        "--id",
        str(_token_id(registrar_db, secret)),
    )

    assert _registrar(registrar_url, "GET", "/api/auth/me", secret)[0] == 401
    assert _kpi_status(kpi, secret) == 401
    assert _notifier_settings_status(notifier, secret) == 401


def test_a_role_change_applies_at_once_in_every_service(
    settings, registrar_url, notifier, account, signed_in
):
    school_id, email = account
    flag = "/api/admin/feature-flags/reminders"
    assert _registrar(registrar_url, "PUT", flag, signed_in, {"enabled": True})[0] == 200
    assert _notifier_settings_status(notifier, signed_in) == 200

    _cli(
        user_command,
        settings,
        "set-role",
        "--school-id",
        str(school_id),
        "--email",
        email,
        "--role",
        "viewer",
    )

    status, answer = _registrar(registrar_url, "PUT", flag, signed_in, {"enabled": False})
    assert (status, answer["error"]["code"]) == (403, "forbidden")
    assert _notifier_settings_status(notifier, signed_in) == 403


def _token_id(registrar_db, secret: str) -> int:
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT id FROM t_api_token WHERE token_hash = %s", (hash_token(secret),))
        return cursor.fetchone()["id"]
