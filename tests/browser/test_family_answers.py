"""The family answers the school in Chromium, from a real e-mail: the needs-info e-mail's link
opens the family page, the family uploads a PDF and writes its answer, and the signed-in
registrar's board shows the card in review marked "Family answered", with the document in
the Docs tab, and the dashboard's action rail, which listed the unanswered request, lists it
no more.

The dashboard folds the registrar's events as they leave the outbox (its consumer on the
session's exchange) and is served on a clock four days ahead, so the request made a moment ago
has waited longer than the 72-hour target and belongs on the rail."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from dashboard.config import DashboardConfig
from devtools.ports import free_port
from registrar.service_layer.lead_status import change_status
from tests.support.dashboard import DashboardOnClock, DashboardWorker
from tests.support.factories import create_registration
from tests.support.family import family_path_in
from tests.support.waiting import wait_until
from tests.support.workspace import unique_family_email, wait_for_mail

STAFF = "setup@school.example"
QUESTION = "Please send a copy of the immunisation record."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Past the default needs_info target (72 h): every open request is on the dashboard's rail.
DASHBOARD_AHEAD = timedelta(days=4)
# Room on the rail for every request the package's tests leave open in the demo school.
RAIL_ITEMS = 500


@pytest.fixture
def dashboard(settings, system):
    """The dashboard's consumer (bound before the test's registration exists, so it folds all
    of its events) and its app, four days ahead, asking the browser system's registrar about
    sessions; no KPI service runs, so its tiles show as not current and the rail still works."""
    worker = DashboardWorker(settings)
    served = DashboardOnClock(
        dataclasses.replace(
            settings,
            registrar_url=system.registrar_url,
            notifier_url=system.notifier_url,
            kpi_url=f"http://127.0.0.1:{free_port()}",
        ),
        clock=lambda: datetime.now(timezone.utc) + DASHBOARD_AHEAD,
        config=DashboardConfig(rail_items_per_kind=RAIL_ITEMS),
    )
    try:
        yield served
    finally:
        served.close()
        worker.stop()


def on_the_rail(page, dashboard_url: str, registration_id: int) -> bool:
    """Whether the dashboard page, loaded afresh, lists the registration among the unanswered
    information requests."""
    page.goto(f"{dashboard_url}/admin/dashboard")
    unanswered = page.locator('ul[aria-labelledby="rail-needs_info_unanswered"]')
    return unanswered.locator(f'a[href$="registration={registration_id}"]').count() > 0


def test_the_family_answers_from_the_mails_link_and_the_board_shows_it(
    anonymous_page, page, settings, demo_school, registrar_db, system, dashboard
):
    email = unique_family_email()
    registration_id = create_registration(
        registrar_db, demo_school.id, first_name="Grace", email=email
    )
    change_status(registrar_db, demo_school.id, registration_id, "in_review", STAFF)
    change_status(registrar_db, demo_school.id, registration_id, "needs_info", STAFF, note=QUESTION)
    body = wait_for_mail(system.sink, email, QUESTION)
    wait_until(
        lambda: on_the_rail(page, dashboard.url, registration_id),
        timeout=30,
        interval=0.5,
        what="the dashboard's rail to list the unanswered request",
    )

    anonymous_page.goto(family_path_in(body, settings.public_url))
    expect(anonymous_page.locator("#school-question")).to_have_text(QUESTION)
    anonymous_page.get_by_label("Documents").set_input_files(
        {"name": "immunisation.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    anonymous_page.get_by_label("Your answer").fill("Here is the record.")
    anonymous_page.get_by_role("button", name="Send to the school").click()

    expect(anonymous_page.locator("#answer-sent")).to_be_visible()
    expect(anonymous_page.locator("#stage")).to_have_text("In review")

    page.goto("/admin/registrar")
    card = page.locator(f"#cards-in_review #card-{registration_id}")
    expect(card).to_contain_text("Family answered")
    page.goto(f"/admin/registrar?registration={registration_id}&tab=docs")
    docs = page.locator("#tabpanel-docs")
    expect(docs).to_contain_text("immunisation.pdf")
    expect(docs).to_contain_text("uploaded by the family")

    wait_until(
        lambda: not on_the_rail(page, dashboard.url, registration_id),
        timeout=30,
        interval=0.5,
        what="the answered request to leave the dashboard's rail",
    )
