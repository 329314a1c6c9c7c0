"""GET, POST /login and POST /logout: the session cookie, login CSRF, where sign-in may lead
(no open redirect), and signing out revoking the token."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from shared.sessions import SESSION_COOKIE, csrf_token_for
from shared.signing import KeyRing
from tests.support.pages import csrf_field, sign_in_with_form


def session_cookie(response) -> dict:
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie(header)
        if SESSION_COOKIE in cookie:
            morsel = cookie[SESSION_COOKIE]
            return {
                "value": morsel.value,
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"],
                "path": morsel["path"],
            }
    return {}


def test_signing_in_sets_an_httponly_session_cookie_and_goes_to_the_workspace(
    client, staff_account, client_address
):
    answer = sign_in_with_form(
        client, staff_account.email, staff_account.password, address=client_address
    )

    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/registrar"
    cookie = session_cookie(answer)
    assert cookie["value"] and cookie["httponly"]
    assert (cookie["samesite"], cookie["path"]) == ("Lax", "/")


def test_the_session_cookie_opens_the_api_too(client, staff_account, client_address):
    token = session_cookie(
        sign_in_with_form(
            client, staff_account.email, staff_account.password, address=client_address
        )
    )["value"]

    assert client.get("/api/auth/me", headers={"Accesstoken": token}).status_code == 200


@pytest.mark.parametrize(
    "next_page",
    [
        "/admin/dashboard",
        "/admin/registrar?registration=5",
        "http://localhost:8002/admin/dashboard",
        "http://localhost:8080/admin/dashboard",
    ],
)
def test_sign_in_follows_a_next_page_of_this_system(
    client, staff_account, client_address, next_page
):
    answer = sign_in_with_form(
        client,
        staff_account.email,
        staff_account.password,
        address=client_address,
        next_page=next_page,
    )

    assert answer.headers["Location"] == next_page


@pytest.mark.parametrize(
    "next_page",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://localhost:9999/elsewhere",
        "http://evil.example:8002/admin/dashboard",
    ],
)
def test_sign_in_ignores_a_next_page_elsewhere(client, staff_account, client_address, next_page):
    answer = sign_in_with_form(
        client,
        staff_account.email,
        staff_account.password,
        address=client_address,
        next_page=next_page,
    )

    assert answer.headers["Location"] == "/admin/registrar"


def test_the_form_allows_its_redirect_to_the_dashboards_port(client):
    page = client.get("/login?next=http://localhost:8002/admin/dashboard")

    assert "form-action 'self' http://localhost:8002" in page.headers["Content-Security-Policy"]


def test_a_post_without_the_forms_cookie_is_refused_and_signs_no_one_in(
    client, staff_account, client_address, registrar_db
):
    form = client.get("/login")
    client.delete_cookie("edquill_login_nonce", path="/login")

    answer = client.post(
        "/login",
        data={
            "email": staff_account.email,
            "password": staff_account.password,
            "csrf_token": csrf_field(form.text),
        },
        headers={"X-Forwarded-For": client_address},
    )

    assert answer.status_code == 403
    assert "This sign-in form had expired" in answer.text
    assert not session_cookie(answer)


def test_a_wrong_password_answers_401_with_the_reason(client, staff_account, client_address):
    answer = sign_in_with_form(
        client, staff_account.email, "wrong password!", address=client_address
    )

    assert answer.status_code == 401
    assert "The e-mail address or the password is wrong." in answer.text


def test_signing_out_revokes_the_token_and_clears_the_cookie(
    client, staff_account, client_address, registrar_app
):
    token = session_cookie(
        sign_in_with_form(
            client, staff_account.email, staff_account.password, address=client_address
        )
    )["value"]
    keys = KeyRing.of(registrar_app.config["EDQUILL_SETTINGS"])

    answer = client.post("/logout", data={"csrf_token": csrf_token_for(keys, token)})

    assert answer.status_code == 303 and answer.headers["Location"] == "/login?signed_out=1"
    assert session_cookie(answer)["value"] == ""
    assert client.get("/api/auth/me", headers={"Accesstoken": token}).status_code == 401


def test_signing_out_without_the_csrf_token_changes_nothing(client, staff_account, client_address):
    token = session_cookie(
        sign_in_with_form(
            client, staff_account.email, staff_account.password, address=client_address
        )
    )["value"]

    answer = client.post("/logout", data={"csrf_token": "forged"})

    assert answer.status_code == 403
    assert client.get("/api/auth/me", headers={"Accesstoken": token}).status_code == 200
