"""Sign-in's way back, on the registrar served with EDQUILL_PUBLIC_URL: after signing in, the
browser may be sent on to a page under the public address (the dashboard, say), never to a
service's own address (EDQUILL_*_URL are for one service calling another)."""

from __future__ import annotations

import secrets
from urllib.parse import quote

import pytest

from shared.sessions import SESSION_COOKIE
from tests.support.http_pages import fetch
from tests.support.pages import csrf_field
from tests.support.processes import serve

PUBLIC_URL = "https://school.example"
DASHBOARD = f"{PUBLIC_URL}/admin/dashboard?range=7d"
# A service address on a host of its own: neither the public address nor the request's host.
NOTIFIER_SERVICE_URL = "http://notifier.internal:8004"


@pytest.fixture(scope="module")
def registrar(settings):
    served = serve(
        settings,
        "registrar",
        {"EDQUILL_PUBLIC_URL": PUBLIC_URL, "EDQUILL_NOTIFIER_URL": NOTIFIER_SERVICE_URL},
    )
    yield served.url
    served.stop()


def address() -> dict:
    return {"X-Forwarded-For": f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"}


def next_field(page_body: str) -> str | None:
    marker = 'name="next" value="'
    if marker not in page_body:
        return None
    return page_body.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_the_sign_in_form_keeps_a_way_back_under_the_public_url(registrar):
    page = fetch(registrar, f"/login?next={quote(DASHBOARD, safe='')}", headers=address())
    assert page.status == 200
    assert next_field(page.body) == DASHBOARD


def test_a_way_back_to_a_service_address_is_dropped(registrar):
    target = quote(f"{NOTIFIER_SERVICE_URL}/api/messages", safe="")
    page = fetch(registrar, f"/login?next={target}", headers=address())
    assert page.status == 200
    assert next_field(page.body) is None


def test_signing_in_sends_the_browser_back_under_the_public_url(registrar, staff_account):
    headers = address()
    form = fetch(registrar, f"/login?next={quote(DASHBOARD, safe='')}", headers=headers)

    answer = fetch(
        registrar,
        "/login",
        method="POST",
        headers=headers,
        cookies={"edquill_login_nonce": form.cookie("edquill_login_nonce")},
        form={
            "email": staff_account.email,
            "password": staff_account.password,
            "csrf_token": csrf_field(form.body),
            "next": DASHBOARD,
        },
    )

    assert answer.status == 303
    assert answer.headers["Location"] == DASHBOARD
    assert answer.cookie(SESSION_COOKIE)
