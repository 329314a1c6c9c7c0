"""/admin/settings in Chromium against the running services: an admin of a school of its own
(the demo school's time zone stays as the other tests expect it) changes the school's time
zone, reads what that changes, confirms and sees it saved; then changes how long family links
last, saved in the notifier (served as a process), and the dashboard's target, saved in the
dashboard (its app served on the port the registrar was told of), each through the
registrar's page with the admin's own session."""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from dashboard.config import DashboardConfig
from registrar.adapters.tokens_store import issue_token
from shared import db
from tests.browser.conftest import PAGE_TIMEOUT_MS
from tests.support.dashboard import DashboardOnClock
from tests.support.factories import create_school
from tests.support.notifier import notifier_knows_school
from tests.support.waiting import wait_until
from tests.support.workspace import STAFF_PASSWORD, call, create_user_with_command

CONSEQUENCE = (
    "From now on days start at midnight in Asia/Tokyo: future daily figures, quiet hours and "
    "reminders follow it; past figures stay as counted."
)


@pytest.fixture
def dashboard(settings, system):
    """The dashboard's app where the registrar expects it, asking the system's registrar
    about tokens."""
    served = DashboardOnClock(
        dataclasses.replace(settings, registrar_url=system.registrar_url),
        clock=lambda: datetime.now(timezone.utc),
        config=DashboardConfig(),
        port=urlsplit(system.dashboard_url).port,
    )
    yield served
    served.close()


@pytest.fixture
def own_school(settings, registrar_db):
    """(school id, an admin token) of a school the notifier has heard of."""
    school_id = create_school(registrar_db)
    notifier_db = db.connect(settings, "notifier")
    try:
        wait_until(
            lambda: notifier_knows_school(notifier_db, school_id),
            timeout=30,
            what="the notifier to learn of the school (school.created)",
        )
    finally:
        notifier_db.close()
    return school_id, issue_token(registrar_db, school_id, "admin")


@pytest.fixture
def admin_tab(browser, system, settings, own_school):
    email = f"admin-{secrets.token_hex(4)}@school.example"
    create_user_with_command(settings, own_school[0], email, "admin", STAFF_PASSWORD)
    context = browser.new_context(base_url=system.registrar_url)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto("/login")
    tab.get_by_label("E-mail address").fill(email)
    tab.get_by_label("Password").fill(STAFF_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url("**/admin/registrar")
    yield tab
    context.close()


def test_an_admin_changes_the_time_zone_family_links_and_a_dashboard_target(
    admin_tab, system, dashboard, own_school
):
    _school_id, admin_token = own_school
    admin_tab.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(admin_tab.get_by_role("heading", level=1)).to_contain_text("Settings of")

    school = admin_tab.get_by_role("region", name="School")
    school.get_by_label("Time zone").fill("Asia/Tokyo")
    school.get_by_role("button", name="Save the school’s settings").click()
    expect(admin_tab.locator("#timezone-consequence")).to_contain_text(CONSEQUENCE)
    admin_tab.get_by_role("button", name="Yes, change the time zone to Asia/Tokyo").click()
    expect(admin_tab.get_by_role("status")).to_contain_text(
        "Saved: the school's days now start at midnight"
    )
    expect(admin_tab.get_by_role("region", name="School").get_by_label("Time zone")).to_have_value(
        "Asia/Tokyo"
    )

    links = admin_tab.get_by_role("region", name="Family links")
    links.get_by_label("Family links work for (days)").fill("5")
    links.get_by_role("button", name="Save the family links’ lifetime").click()
    expect(admin_tab.get_by_role("status")).to_contain_text("Saved: family links")
    status, notices = call(f"{system.notifier_url}/api/messages/settings", admin_token)
    assert status == 200 and notices["family_link_days"] == 5

    targets = admin_tab.get_by_role("region", name="Dashboard targets")
    targets.get_by_label("A new registration waits at most (hours)").fill("12")
    targets.get_by_role("button", name="Save the dashboard targets").click()
    expect(admin_tab.get_by_role("status")).to_contain_text("Saved: the dashboard's action rail")
    status, chosen = call(f"{dashboard.url}/api/dashboard/settings", admin_token)
    assert status == 200 and chosen["lead_wait_hours"] == 12 and chosen["customised"]
    expect(admin_tab.get_by_label("A new registration waits at most (hours)")).to_have_value("12")
