"""Browser tests: Debian's Chromium driven by Playwright against the real services (registrar
and notifier under gunicorn, an outbox relay and the notifier worker as processes of their
own, mail landing in an in-process sink), on the session's databases and exchange."""

from __future__ import annotations

import os
import secrets

import pytest

from shared import db
from tests.support.workspace import (
    CHROMIUM,
    CHROMIUM_ARGS,
    STAFF_PASSWORD,
    create_demo_school,
    create_user_with_command,
    start_system,
)

# Long enough for a page on a busy 2-core machine; short enough that a broken page fails fast.
PAGE_TIMEOUT_MS = 15_000


@pytest.fixture(scope="package")
def system(settings, tmp_path_factory):
    running = start_system(settings, tmp_path_factory.mktemp("browser-system"))
    yield running
    running.stop()
    running.sink.stop()


@pytest.fixture(scope="package")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def demo_school(settings, system):
    connection = db.connect(settings, "registrar")
    try:
        yield create_demo_school(settings, connection, system.notifier_url)
    finally:
        connection.close()


@pytest.fixture(scope="package")
def signed_in_state(browser, system, demo_school):
    """The cookies of one sign-in through /login, reused by every test's fresh context."""
    context = browser.new_context(base_url=system.registrar_url)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mail address").fill(demo_school.staff_email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/registrar")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def page(browser, system, signed_in_state):
    """A signed-in tab of its own."""
    context = browser.new_context(base_url=system.registrar_url, storage_state=signed_in_state)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def anonymous_page(browser, system):
    context = browser.new_context(base_url=system.registrar_url)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(tab, email: str, password: str, then: str = "/admin/registrar") -> None:
    """Through /login, as a person does; waits for the page it leads to."""
    tab.goto("/login")
    tab.get_by_label("E-mail address").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(f"**{then}")


def _tab(browser, system):
    context = browser.new_context(base_url=system.registrar_url)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def admin_tab(browser, system, settings, demo_school):
    """An admin of the demo school of its own, signed in."""
    email = f"admin-{secrets.token_hex(4)}@school.example"
    create_user_with_command(settings, demo_school.id, email, "admin", STAFF_PASSWORD)
    context, tab = _tab(browser, system)
    sign_in(tab, email, STAFF_PASSWORD)
    yield tab
    context.close()


@pytest.fixture
def colleague_tab(browser, system):
    """A tab of its own, signed in as no one."""
    context, tab = _tab(browser, system)
    yield tab
    context.close()
