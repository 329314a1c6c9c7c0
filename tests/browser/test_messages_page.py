"""The messages page in Chromium, behind the real nginx gateway in front of the running
registrar and notifier: an admin reaches it from the registrar's navigation, edits a
message's wording, sees its preview and saves it, and the next e-mail of that kind (through
the real consumer and sender to the mail sink) uses the new wording; the admin puts the school
in quiet hours on the same page, and filters the log to held messages to find the reminder
held by them, with its reason."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta, timezone

import pika
import pytest
from playwright.sync_api import expect

from registrar.service_layer.lead_status import change_status
from shared import db
from shared.events import Event
from tests.browser.conftest import PAGE_TIMEOUT_MS
from tests.support.factories import create_registration
from tests.support.gateway import running_gateway
from tests.support.notifier import Family, messages_of
from tests.support.waiting import wait_until
from tests.support.workspace import (
    STAFF_PASSWORD,
    create_demo_school,
    create_user_with_command,
    unique_family_email,
    wait_for_mail,
)

STAFF = "setup@school.example"
NEW_SUBJECT = "{{ school_name }}: news about {{ student_first_name }}"
NEW_TEXT = "Hello {{ guardian_name }}, your registration is now {{ status_label }}. See you soon!"
NEW_HTML = "<p>Hello {{ guardian_name }}, your registration is now {{ status_label }}.</p>"


@pytest.fixture(scope="module")
def gateway(settings, system, tmp_path_factory):
    with running_gateway(
        settings,
        tmp_path_factory.mktemp("messages-gateway"),
        registrar=system.registrar_url,
        notifier=system.notifier_url,
    ) as url:
        yield url


@pytest.fixture(scope="module")
def school(settings, system):
    """A school of its own (its wording and quiet hours change here) with an admin account."""
    connection = db.connect(settings, "registrar")
    try:
        school = create_demo_school(settings, connection, system.notifier_url)
    finally:
        connection.close()
    email = f"admin-{secrets.token_hex(4)}@school.example"
    create_user_with_command(settings, school.id, email, "admin", STAFF_PASSWORD)
    return school, email


@pytest.fixture
def admin(browser, gateway, school):
    _school, email = school
    context = browser.new_context(base_url=gateway)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto("/login")
    tab.get_by_label("E-mail address").fill(email)
    tab.get_by_label("Password").fill(STAFF_PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url("**/admin/registrar")
    yield tab
    context.close()


def publish(settings, event: Event) -> None:
    """An event on the session's exchange, as the outbox relay publishes the registrar's."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            settings.exchange,
            event.event_type,
            event.to_json(),
            pika.BasicProperties(
                content_type="application/json",
                message_id=event.event_id,
                delivery_mode=pika.DeliveryMode.Persistent,
            ),
        )
    finally:
        connection.close()


def test_an_edited_wording_is_previewed_saved_and_used_by_the_next_email(
    admin, school, registrar_db, system
):
    demo, _email = school
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(admin).to_have_title("Messages · EdQuill")
    # The registrar's stylesheet, through the gateway: the same top bar as its staff pages.
    expect(admin.locator("header.topbar")).to_have_css("display", "flex")
    admin.get_by_role("link", name="English wording of status update").click()
    editor = admin.get_by_role("region", name=re.compile("Edit “status update”"))
    editor.get_by_label("Subject").fill(NEW_SUBJECT)
    editor.get_by_label("Text version").fill(NEW_TEXT)
    editor.get_by_label("HTML version").fill(NEW_HTML)

    editor.get_by_role("button", name="Preview").click()

    preview = admin.get_by_role("region", name="Preview, with sample details")
    expect(preview.locator("#preview-subject")).to_have_text("Sunrise Music School: news about Ada")
    expect(preview.locator("#preview-text")).to_contain_text("your registration is now in review")
    admin.get_by_role("region", name=re.compile("Edit “status update”")).get_by_role(
        "button", name="Save"
    ).click()
    expect(admin.get_by_role("status")).to_contain_text("The wording was saved")

    email = unique_family_email()
    registration_id = create_registration(registrar_db, demo.id, first_name="Nell", email=email)
    change_status(registrar_db, demo.id, registration_id, "in_review", STAFF)

    body = wait_for_mail(system.sink, email, "See you soon!")
    assert "your registration is now in review" in body
    (mail,) = [
        m for m in system.sink.messages() if email in m.rcpt_tos and "news about" in m.subject
    ]
    assert mail.subject.endswith(": news about Nell")


def test_the_log_filtered_to_held_shows_the_reminder_quiet_hours_hold_and_why(
    admin, school, settings
):
    demo, _email = school
    now = datetime.now(timezone.utc)
    admin.goto("/admin/messages")
    quiet = admin.get_by_role("region", name="Quiet hours and reminders")
    # The school's clock is UTC: quiet from an hour ago to two hours from now.
    quiet.get_by_label("Quiet hours start").fill((now - timedelta(hours=1)).strftime("%H:%M"))
    quiet.get_by_label("Quiet hours end").fill((now + timedelta(hours=2)).strftime("%H:%M"))
    quiet.get_by_label("Send reminders to families who agreed to them").check()
    quiet.get_by_role("button", name="Save the settings").click()
    expect(admin.get_by_role("status")).to_contain_text(
        "quiet hours and reminder settings were saved"
    )

    family = Family(demo.id, unique_family_email(), student_first_name="Ada")
    publish(settings, family.submitted(consent=True))
    # Asked three days and more ago: its reminder is due now, inside the quiet hours.
    publish(settings, family.needs_info(occurred_at=now - timedelta(hours=73)))
    notifier_db = db.connect(settings, "notifier")
    try:
        wait_until(
            lambda: any(
                (row["recipient"], row["status"]) == (family.email, "held")
                for row in messages_of(notifier_db, demo.id)
            ),
            timeout=30,
            what="the reminder held by quiet hours",
        )
    finally:
        notifier_db.close()

    log = admin.get_by_role("region", name="Message log")
    log.get_by_label("Status").select_option(label="Held for quiet hours")
    log.get_by_role("button", name="Show").click()

    rows = admin.locator("#message-log tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(family.email)
    expect(rows).to_contain_text("Held for quiet hours")
    expect(rows).to_contain_text("Held through the school's quiet hours; it goes at")
