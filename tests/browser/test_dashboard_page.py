"""The dashboard page in real Chromium (Debian's, driven by Playwright): signing in through the
registrar's /login (and with the session cookie of a real sign-in), tiles and the action rail,
an action leading to the registration in the registrar workspace, keyboard use with visible
focus, the chart's text alternative, and a phone-sized screen.

Every service is a real process (`edquill serve registrar|kpi|notifier|dashboard`) on its own
port, as without the gateway; the dashboard's consumer reads the registrar's own events."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from devtools.ports import free_port
from kpi.service_layer.fold import fold_events
from shared import db
from shared.sessions import SESSION_COOKIE
from tests.support.dashboard import DashboardWorker
from tests.support.factories import create_school
from tests.support.kpi import outbox_events, school_created
from tests.support.processes import EDQUILL, serve
from tests.support.servers import environment
from tests.support.workspace import CHROMIUM

PASSWORD = "correct horse battery staple"
# Playwright's waits: generous for a cold gunicorn worker on a busy two-core machine.
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason="Debian's chromium is not installed at /usr/bin/chromium",
)


@pytest.fixture(scope="module")
def services(settings):
    """The four services on free ports. The registrar learns the dashboard's port, so /login
    may send people back to it (registrar.domain.redirects)."""
    dashboard_port = free_port()
    ports = {"EDQUILL_DASHBOARD_PORT": str(dashboard_port)}
    registrar = serve(settings, "registrar", ports)
    started = [registrar]
    try:
        behind = {**ports, "EDQUILL_REGISTRAR_URL": registrar.url}
        kpi = serve(settings, "kpi", behind)
        started.append(kpi)
        notifier = serve(settings, "notifier", behind)
        started.append(notifier)
        # The figures are checked, not the timing: a generous budget for cold services.
        dashboard = serve(
            settings,
            "dashboard",
            {
                **behind,
                "EDQUILL_KPI_URL": kpi.url,
                "EDQUILL_NOTIFIER_URL": notifier.url,
                "EDQUILL_DASHBOARD_REMOTE_BUDGET_SECONDS": "10",
                # Without the gateway the workspace is on another origin than the public one: the
                # dashboard is told where, as an operator running the services apart would.
                "EDQUILL_DASHBOARD_WORKSPACE_URL": registrar.url,
            },
            port=dashboard_port,
        )
        started.append(dashboard)
        yield {"registrar": registrar.url, "dashboard": dashboard.url}
    finally:
        for served in reversed(started):
            served.stop()


@pytest.fixture(scope="module")
def school(settings, services):
    """A school with a staff admin, a lead waiting three days (in the registrar's own tables,
    its events read from the outbox and consumed by the dashboard), and KPI figures."""
    registrar_db = db.connect(settings, "registrar")
    worker = DashboardWorker(settings)
    try:
        school_id = create_school(registrar_db)
        with registrar_db.cursor() as cursor:
            for first, days in (("Wendy", 3), ("Walter", 4)):
                cursor.execute(
                    "INSERT INTO student_self_registrations (school_id, student_first_name, "
                    "student_last_name, guardian_email, submitted_at) VALUES (%s, %s, %s, %s, %s)",
                    (
                        school_id,
                        first,
                        "Waiting",
                        "family@example.com",
                        (datetime.now(timezone.utc) - timedelta(days=days)).replace(tzinfo=None),
                    ),
                )
        events = outbox_events(registrar_db, school_id)
        worker.publish(*events)
        worker.wait_until_settled()
        fold_kpi(
            settings,
            [
                school_created(school_id, timezone_name="UTC"),
                *[event for event in events if event.event_type != "school.created"],
            ],
        )
        email = f"admin-{secrets.token_hex(4)}@example.com"
        create_user(settings, school_id, email)
        with registrar_db.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM student_self_registrations WHERE school_id = %s "
                "AND student_first_name = 'Walter'",
                (school_id,),
            )
            walter = cursor.fetchone()["id"]
        yield {"id": school_id, "email": email, "oldest_registration": walter}
    finally:
        worker.stop()
        registrar_db.close()


def fold_kpi(settings, events) -> None:
    connection = db.connect(settings, "kpi")
    try:
        with db.transaction(connection) as cursor:
            fold_events(cursor, events)
    finally:
        connection.close()


def create_user(settings, school_id: int, email: str) -> None:
    """`edquill user create`, the password on stdin, as an operator makes an account."""
    done = subprocess.run(
        [
            EDQUILL,
            "user",
            "create",
            "--school-id",
            str(school_id),
            "--email",
            email,
            "--role",
            "admin",
        ],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        env=environment(settings),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def api_sign_in(registrar_url: str, email: str) -> str:
    """A token from the registrar's POST /api/auth/login."""
    request = urllib.request.Request(
        f"{registrar_url}/api/auth/login",
        method="POST",
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def signed_in_page(page, services, school):
    """A page whose browser holds the session cookie of a real sign-in (POST /api/auth/login):
    the cookie is per host, so every port of 127.0.0.1 gets it, as after /login."""
    token = api_sign_in(services["registrar"], school["email"])
    page.context.add_cookies(
        [
            {
                "name": SESSION_COOKIE,
                "value": token,
                "url": services["dashboard"],
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    page.goto(f"{services['dashboard']}/admin/dashboard")
    return page


def test_signing_in_through_login_comes_back_to_the_dashboard(page, services, school):
    page.goto(f"{services['dashboard']}/admin/dashboard?range=7d")

    expect(page).to_have_url(
        f"{services['registrar']}/login?next="
        f"http%3A%2F%2F127.0.0.1%3A{services['dashboard'].rsplit(':', 1)[1]}"
        "%2Fadmin%2Fdashboard%3Frange%3D7d"
    )
    page.get_by_label("E-mail").fill(school["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{services['dashboard']}/admin/dashboard?range=7d")
    expect(page.get_by_role("heading", name="Leads", exact=True)).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_signed_in_the_tiles_and_the_action_rail_are_shown(signed_in_page):
    page = signed_in_page

    tiles = page.locator(".tile")
    expect(tiles).to_have_count(8)
    expect(page.locator("#tile-leads .value")).to_have_text("2")
    expect(page.locator("#tile-pending_review .value")).to_have_text("2")
    rail = page.get_by_role("region", name="Needs attention")
    expect(
        rail.get_by_role("link", name="Walter Waiting: new lead, not reviewed yet")
    ).to_be_visible()
    expect(
        rail.get_by_role("heading", name="Leads waiting longer than the target (2)")
    ).to_be_visible()


def test_an_action_leads_to_the_registration_in_the_registrar_workspace(
    signed_in_page, services, school
):
    page = signed_in_page

    page.get_by_role("link", name="Walter Waiting: new lead, not reviewed yet").click()

    expect(page).to_have_url(
        f"{services['registrar']}/admin/registrar?registration={school['oldest_registration']}"
    )
    expect(page.get_by_text("Walter").first).to_be_visible()


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
        return {tag: el.tagName.toLowerCase(), name: label || el.textContent.trim() ||
                el.getAttribute('aria-label') || '', outline: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth), shadow: style.boxShadow};
    }""")


def test_tab_moves_through_the_controls_in_reading_order_with_visible_focus(signed_in_page):
    page = signed_in_page
    seen = []
    # A date input takes one Tab per part (day, month, year): consecutive stops on the same
    # control count once.
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1]["name"] == "Save targets":
            break

    names = [
        item["name"] for n, item in enumerate(seen) if n == 0 or item["name"] != seen[n - 1]["name"]
    ]
    assert names == [
        "Skip to the dashboard",
        "Registrar workspace",
        "Dashboard",
        "Classes",
        "Staff",
        "Messages",
        "Settings",
        "Audit trail",
        "Sign out",
        "Period",
        "From",
        "To",
        "Show",
        "Walter Waiting: new lead, not reviewed yet",
        "Wendy Waiting: new lead, not reviewed yet",
        "Daily numbers as a table",
        "A new lead may wait (hours)",
        "A family may take to answer (hours)",
        "An approval may wait for enrolment (hours)",
        "Save targets",
    ]
    for item in seen:
        assert item["outline"] != "none" and item["outlineWidth"] >= 2, item


def test_the_skip_link_takes_the_keyboard_to_the_dashboard(signed_in_page):
    page = signed_in_page

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"


def test_the_range_form_works_from_the_keyboard(signed_in_page, services):
    page = signed_in_page

    page.get_by_label("Period", exact=True).focus()
    page.keyboard.press("ArrowUp")  # from "Last 30 days" to "Last 7 days"
    page.get_by_role("button", name="Show").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(
        f"{services['dashboard']}/admin/dashboard?range=7d&from="
        f"{page.get_by_label('From', exact=True).input_value()}&to="
        f"{page.get_by_label('To', exact=True).input_value()}"
    )
    expect(page.get_by_label("Period", exact=True)).to_have_value("7d")


def test_the_trends_chart_has_a_text_alternative(signed_in_page):
    page = signed_in_page

    chart = page.get_by_role("img", name="Daily leads and enrollments")
    expect(chart).to_be_visible()
    assert "Leads: 2 in all" in page.locator("#chart-desc").text_content()
    page.get_by_text("Daily numbers as a table").click()
    table = page.get_by_role("table", name="Leads and enrollments per day")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(30)


def test_on_a_phone_the_page_fits_the_screen(browser, services, school):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        token = api_sign_in(services["registrar"], school["email"])
        context.add_cookies(
            [{"name": SESSION_COOKIE, "value": token, "url": services["dashboard"]}]
        )
        page = context.new_page()
        page.goto(f"{services['dashboard']}/admin/dashboard")

        expect(page.locator("#tile-leads")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.locator("#tile-leads").bounding_box()["width"] < 180  # two tiles a row
    finally:
        context.close()


def test_without_a_session_the_page_is_the_sign_in_form_not_an_error(page, services):
    page.context.add_cookies(
        [{"name": SESSION_COOKIE, "value": "expired-or-forged", "url": services["dashboard"]}]
    )

    page.goto(f"{services['dashboard']}/admin/dashboard")

    expect(page).to_have_url(
        f"{services['registrar']}/login?next="
        f"http%3A%2F%2F127.0.0.1%3A{services['dashboard'].rsplit(':', 1)[1]}"
        "%2Fadmin%2Fdashboard"
    )
    expect(page.get_by_label("Password")).to_be_visible()
