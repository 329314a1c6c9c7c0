"""Approving with an autopay link, through the whole running system (registrar and notifier
under gunicorn, an outbox relay and the notifier worker as processes, mail into an SMTP sink),
with EDQUILL_PUBLIC_URL set: the family's e-mail has a working autopay link under the public
address, and no bearer link is left in the outbox, the message log, the reminders, the
processes' logs or a viewer's API answer."""

from __future__ import annotations

import json
import re

import pytest

from registrar.adapters.tokens_store import issue_token
from shared import db
from tests.support.classes import registration_in_class
from tests.support.http_pages import fetch
from tests.support.waiting import wait_until
from tests.support.workspace import call, create_demo_school, start_system, unique_family_email

PUBLIC_URL = "https://school.example"
AUTOPAY_LINK = re.compile(re.escape(PUBLIC_URL) + r"/autopay/[\w.-]+")
UNSUBSCRIBE_LINK = re.compile(re.escape(PUBLIC_URL) + r"/unsubscribe/[\w.-]+")


@pytest.fixture(scope="module")
def system(settings, tmp_path_factory):
    running = start_system(
        settings, tmp_path_factory.mktemp("links-system"), {"EDQUILL_PUBLIC_URL": PUBLIC_URL}
    )
    yield running
    running.stop()
    running.sink.stop()


@pytest.fixture(scope="module")
def approved(settings, system):
    """A school with autopay and reminders on; one of its registrations approved with the
    invoice and the autopay link; the e-mail the family got."""
    connection = db.connect(settings, "registrar")
    try:
        school = create_demo_school(settings, connection, system.notifier_url)
        status, answer = call(
            f"{system.notifier_url}/api/messages/settings",
            school.admin_token,
            "PUT",
            {
                "quiet_hours_start": "21:00",
                "quiet_hours_end": "08:00",
                "status_updates": [],
                "reminders_enabled": True,
                "needs_info_reminder_hours": 72,
                "invoice_reminder_hours": 168,
            },
        )
        assert status == 200, answer
        registration_id = registration_in_class(connection, school.id)
        family_email = unique_family_email()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE student_self_registrations SET guardian_email = %s WHERE id = %s",
                (family_email, registration_id),
            )
        status, invoice = call(
            f"{system.registrar_url}/api/admin/self-registration/approve",
            school.registrar_token,
            "POST",
            {"registration_id": registration_id, "send_invoice": True, "send_autopay_link": True},
        )
        assert status == 200, invoice
    finally:
        connection.close()
    # Only this family's mail: the worker also drains what other tests left in its queue.
    mail = wait_until(
        lambda: [
            m
            for m in system.sink.messages()
            if m.rcpt_tos == (family_email,) and "is approved" in m.subject
        ],
        timeout=30,
        what="the approval e-mail",
    )[0]
    return school, invoice, mail.parsed()


def autopay_link_in(message) -> str:
    (link,) = set(AUTOPAY_LINK.findall(message.get_body(("plain",)).get_content()))
    return link


def rows_of(settings, service: str, statement: str, school_id: int) -> list[dict]:
    connection = db.connect(settings, service)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, (school_id,))
            return list(cursor.fetchall())
    finally:
        connection.close()


def test_the_family_gets_an_autopay_link_under_the_public_url_that_opens(system, approved):
    _school, invoice, message = approved
    link = autopay_link_in(message)
    assert link in message.get_body(("html",)).get_content()

    # The public address is the gateway's; behind it, the path reaches the registrar.
    page = fetch(system.registrar_url, link.removeprefix(PUBLIC_URL))

    assert page.status == 200
    assert invoice["number"] in page.body


def test_no_outbox_payload_holds_a_bearer_link(settings, approved):
    school, _invoice, message = approved
    token = autopay_link_in(message).rsplit("/", 1)[1]
    payloads = [
        row["payload"]
        for row in rows_of(
            settings,
            "registrar",
            "SELECT payload FROM t_event_outbox WHERE school_id = %s",
            school.id,
        )
    ]
    issued = [json.loads(p) for p in payloads if '"invoice_id"' in p]
    assert issued and all("autopay_url" not in payload for payload in issued)
    for payload in payloads:
        assert token not in payload
        assert "/autopay/" not in payload and "/unsubscribe/" not in payload


def test_no_message_log_row_or_reminder_holds_a_bearer_link(settings, approved):
    school, _invoice, message = approved
    tokens = {
        autopay_link_in(message).rsplit("/", 1)[1],
        message["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1],
    }
    logged = rows_of(
        settings,
        "notifier",
        "SELECT template_key, context, body_text, body_html "
        "FROM t_message_log WHERE school_id = %s",
        school.id,
    )
    reminders = rows_of(
        settings, "notifier", "SELECT context FROM t_reminder WHERE school_id = %s", school.id
    )
    assert "approved" in [row["template_key"] for row in logged]
    assert reminders  # the unpaid-invoice reminder, with the link it will carry
    stored = [
        row[column] or "" for row in logged for column in ("context", "body_text", "body_html")
    ]
    stored += [row["context"] or "" for row in reminders]
    for text in stored:
        assert "/autopay/" not in text and "/unsubscribe/" not in text
        assert not any(token in text for token in tokens)


def test_no_process_logged_a_bearer_link(system, approved):
    _school, _invoice, message = approved
    token = autopay_link_in(message).rsplit("/", 1)[1]
    for process in system.processes:
        assert token not in process.output()


def test_a_viewer_gets_no_autopay_link_and_a_registrar_the_one_the_family_got(
    system, approved, registrar_db
):
    school, invoice, message = approved
    viewer_token = issue_token(registrar_db, school.id, "viewer")
    url = f"{system.registrar_url}/api/admin/invoices/{invoice['id']}"

    status, as_viewer = call(url, viewer_token)
    _status, as_registrar = call(url, school.registrar_token)

    assert status == 200 and as_viewer["autopay_url"] is None
    assert as_registrar["autopay_url"] == autopay_link_in(message)


def test_the_e_mail_names_no_service_address(settings, system, approved):
    _school, _invoice, message = approved
    raw = message.as_string()
    for internal in (
        system.registrar_url,
        system.notifier_url,
        settings.registrar_url,
        settings.notifier_url,
        settings.kpi_url,
        "127.0.0.1",
    ):
        assert internal not in raw
    assert UNSUBSCRIBE_LINK.fullmatch(message["List-Unsubscribe"].strip("<>"))
