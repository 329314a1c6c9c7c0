"""The registrar served (gunicorn, real HTTP) after a key rotation: EDQUILL_SECRET_KEY is a new
key and the old one is in EDQUILL_SECRET_KEY_PREVIOUS. Links and form tokens signed with the old
key still work, new ones are signed with the new key, and a key in neither list is refused."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

import pytest

from registrar.domain import autopay_links
from registrar.domain.form_tokens import form_token
from shared.family_links import AutopayLink, InvalidLink, read_autopay_link, sign_autopay_link
from shared.sessions import SESSION_COOKIE, csrf_token_for
from shared.signing import KeyRing
from tests.support.classes import enable_flag, registration_in_class
from tests.support.http_pages import fetch
from tests.support.pages import csrf_field
from tests.support.processes import serve
from tests.support.workspace import call

PUBLIC_URL = "https://school.example"
NEW_KEY = "rotated-" + secrets.token_urlsafe(32)
STRANGER = KeyRing(("a-key-this-system-never-had-" + "x" * 16,))
LOGIN_NONCE, AUTOPAY_NONCE = "edquill_login_nonce", "edquill_autopay_nonce"


@pytest.fixture(scope="module")
def old_keys(settings) -> KeyRing:
    """The ring before the rotation: the session's key alone."""
    return KeyRing((settings.secret_key,))


@pytest.fixture(scope="module")
def registrar(settings):
    served = serve(
        settings,
        "registrar",
        {
            "EDQUILL_SECRET_KEY": NEW_KEY,
            "EDQUILL_SECRET_KEY_PREVIOUS": settings.secret_key,
            "EDQUILL_PUBLIC_URL": PUBLIC_URL,
        },
    )
    yield served.url
    served.stop()


@pytest.fixture
def invoice(registrar, registrar_db, school) -> dict:
    """An invoice approved through the rotated registrar, with an autopay link."""
    enable_flag(registrar_db, school.id, "autopay")
    registration_id = registration_in_class(registrar_db, school.id)
    status, answer = call(
        f"{registrar}/api/admin/self-registration/approve",
        school.tokens["registrar"],
        "POST",
        {"registration_id": registration_id, "send_invoice": True, "send_autopay_link": True},
    )
    assert status == 200, answer
    return answer


def link_of(invoice: dict, school_id: int) -> AutopayLink:
    token = invoice["autopay_url"].removeprefix(f"{PUBLIC_URL}/autopay/")
    link = read_autopay_link(KeyRing((NEW_KEY,)), token, _now())
    assert link.school_id == school_id
    return link


def address() -> dict:
    """A client address of the test's own, so sign-in throttling never mixes tests."""
    return {"X-Forwarded-For": f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


# -- autopay links ---------------------------------------------------------------------------


def test_a_new_autopay_link_is_signed_with_the_new_key(invoice, school, old_keys):
    assert invoice["autopay_url"].startswith(f"{PUBLIC_URL}/autopay/")
    token = invoice["autopay_url"].removeprefix(f"{PUBLIC_URL}/autopay/")
    assert read_autopay_link(KeyRing((NEW_KEY,)), token, _now()).invoice_id == invoice["id"]
    with pytest.raises(InvalidLink):
        read_autopay_link(old_keys, token, _now())


def test_an_autopay_link_signed_before_the_rotation_still_opens(
    registrar, invoice, school, old_keys
):
    old_token = sign_autopay_link(old_keys, link_of(invoice, school.id))

    page = fetch(registrar, f"/autopay/{old_token}")

    assert page.status == 200
    assert invoice["number"] in page.body


def test_an_autopay_link_signed_with_a_key_in_neither_list_is_refused(registrar, invoice, school):
    forged = sign_autopay_link(STRANGER, link_of(invoice, school.id))
    assert fetch(registrar, f"/autopay/{forged}").status == 404


def test_the_autopay_form_is_signed_with_the_new_key(registrar, invoice, school):
    token = sign_autopay_link(KeyRing((NEW_KEY,)), link_of(invoice, school.id))
    page = fetch(registrar, f"/autopay/{token}")
    nonce = page.cookie(AUTOPAY_NONCE)
    assert csrf_field(page.body) == autopay_links.csrf_token(KeyRing((NEW_KEY,)), nonce, token)


def test_an_autopay_form_opened_before_the_rotation_can_still_be_confirmed(
    registrar, invoice, school, old_keys
):
    token = sign_autopay_link(old_keys, link_of(invoice, school.id))
    form = {"signer_name": "Ada's Parent", "consent": "yes"}

    forged = fetch(
        registrar,
        f"/autopay/{token}",
        method="POST",
        cookies={AUTOPAY_NONCE: "n1"},
        form={**form, "csrf_token": autopay_links.csrf_token(STRANGER, "n1", token)},
    )
    confirmed = fetch(
        registrar,
        f"/autopay/{token}",
        method="POST",
        cookies={AUTOPAY_NONCE: "n1"},
        form={**form, "csrf_token": autopay_links.csrf_token(old_keys, "n1", token)},
    )

    assert forged.status == 403
    assert confirmed.status == 303


# -- the sign-in form and the signed-in pages ----------------------------------------------------


def sign_in(registrar, account, csrf_keys: KeyRing):
    return fetch(
        registrar,
        "/login",
        method="POST",
        cookies={LOGIN_NONCE: "n1"},
        headers=address(),
        form={
            "email": account.email,
            "password": account.password,
            "csrf_token": form_token(csrf_keys, "sign-in", "n1"),
        },
    )


def test_the_sign_in_form_is_signed_with_the_new_key(registrar):
    page = fetch(registrar, "/login", headers=address())
    nonce = page.cookie(LOGIN_NONCE)
    assert csrf_field(page.body) == form_token(KeyRing((NEW_KEY,)), "sign-in", nonce)


def test_a_sign_in_form_opened_before_the_rotation_still_signs_in(
    registrar, staff_account, old_keys
):
    answer = sign_in(registrar, staff_account, old_keys)
    assert answer.status == 303
    assert answer.cookie(SESSION_COOKIE)


def test_a_sign_in_form_token_of_a_key_in_neither_list_is_refused(registrar, staff_account):
    answer = sign_in(registrar, staff_account, STRANGER)
    assert answer.status == 403
    assert answer.cookie(SESSION_COOKIE) is None


def test_a_page_signed_in_before_the_rotation_can_still_sign_out(
    registrar, staff_account, old_keys
):
    session = sign_in(registrar, staff_account, KeyRing((NEW_KEY,))).cookie(SESSION_COOKIE)
    refused = fetch(
        registrar,
        "/logout",
        method="POST",
        cookies={SESSION_COOKIE: session},
        form={"csrf_token": csrf_token_for(STRANGER, session)},
    )
    signed_out = fetch(
        registrar,
        "/logout",
        method="POST",
        cookies={SESSION_COOKIE: session},
        form={"csrf_token": csrf_token_for(old_keys, session)},
    )

    assert refused.status == 403
    assert signed_out.status == 303
    assert signed_out.headers["Location"] == "/login?signed_out=1"


def test_signed_in_pages_carry_a_csrf_token_of_the_new_key(registrar, staff_account):
    session = sign_in(registrar, staff_account, KeyRing((NEW_KEY,))).cookie(SESSION_COOKIE)
    page = fetch(registrar, "/admin/registrar", cookies={SESSION_COOKIE: session})
    assert page.status == 200
    assert csrf_token_for(KeyRing((NEW_KEY,)), session) in page.body
