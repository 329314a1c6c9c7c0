"""Signing in at /login and out again, in Chromium: the way to the page asked for, the words
for a wrong password and for a locked account, and a `next` that points elsewhere."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from registrar.service_layer.sign_in import ACCOUNT_FAILURES
from tests.support.factories import create_registration
from tests.support.workspace import STAFF_PASSWORD, create_user_with_command


@pytest.fixture
def fresh_account(settings, demo_school) -> str:
    """An account of its own, so failed sign-ins lock nobody else out."""
    email = f"staff-{secrets.token_hex(4)}@school.example"
    create_user_with_command(settings, demo_school.id, email, "registrar", STAFF_PASSWORD)
    return email


def sign_in(page, email: str, password: str) -> None:
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_workspace_sends_a_visitor_to_sign_in_and_back_to_the_registration(
    anonymous_page, demo_school, registrar_db, fresh_account
):
    registration_id = create_registration(registrar_db, demo_school.id, first_name="Nell")
    anonymous_page.goto(f"/admin/registrar?registration={registration_id}")
    expect(anonymous_page).to_have_url(re.compile(r"/login\?next="))

    sign_in(anonymous_page, fresh_account, STAFF_PASSWORD)

    expect(anonymous_page).to_have_url(
        re.compile(f"/admin/registrar\\?registration={registration_id}$")
    )
    expect(anonymous_page.locator("#panel-title")).to_have_text("Nell Lovelace")
    expect(anonymous_page.locator("#panel-title")).to_be_focused()


def test_a_wrong_password_is_said_in_words_and_the_email_is_kept(anonymous_page, fresh_account):
    anonymous_page.goto("/login")

    sign_in(anonymous_page, fresh_account, "not the password")

    expect(anonymous_page.get_by_role("alert")).to_have_text(
        "The e-mail address or the password is wrong."
    )
    expect(anonymous_page.get_by_label("E-mail address")).to_have_value(fresh_account)


def test_a_locked_account_says_when_to_try_again(anonymous_page, fresh_account):
    anonymous_page.goto("/login")
    for _attempt in range(ACCOUNT_FAILURES.max_hits):
        sign_in(anonymous_page, fresh_account, "not the password")

    sign_in(anonymous_page, fresh_account, STAFF_PASSWORD)

    expect(anonymous_page.get_by_role("alert")).to_contain_text(
        re.compile(r"Too many failed sign-ins.*try again in \d+ minutes?")
    )


def test_a_next_address_on_another_site_is_not_followed(anonymous_page, fresh_account):
    anonymous_page.goto("/login?next=https://evil.example/phish")

    sign_in(anonymous_page, fresh_account, STAFF_PASSWORD)

    expect(anonymous_page).to_have_url(re.compile(r"/admin/registrar$"))


def test_signing_out_ends_the_session(anonymous_page, fresh_account):
    anonymous_page.goto("/login")
    sign_in(anonymous_page, fresh_account, STAFF_PASSWORD)
    expect(anonymous_page.get_by_role("heading", name="Registrations")).to_be_visible()

    anonymous_page.get_by_role("button", name="Sign out").click()

    expect(anonymous_page.get_by_role("status")).to_have_text("You have signed out.")
    anonymous_page.goto("/admin/registrar")
    expect(anonymous_page).to_have_url(re.compile(r"/login\?next="))
