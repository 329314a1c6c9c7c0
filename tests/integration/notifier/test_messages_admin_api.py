"""The messages page's API, with tokens checked by the real registrar and the log made by the
notifier's own worker (consumer, scheduler and sender on the real MariaDB, RabbitMQ and an
aiosmtpd server): a wording previewed on its sample in the sandbox and its limits, the log
filtered to held, suppressed and failed messages with each one's reason and searched, and a
failed message sent again through the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from notifier.entrypoints.app import create_app
from registrar.adapters.tokens_store import issue_token
from tests.support.factories import create_school
from tests.support.notifier import Family, messages_of, school_created, unique_email, utc
from tests.support.scripted_mail import ScriptedMailSink
from tests.support.waiting import wait_until

# 22:30 in New York (EST, UTC-5) on Wednesday 14 January: inside the default quiet hours,
# which end at 08:00 there, 13:00 UTC.
LATE_EVENING = utc(2026, 1, 15, 3, 30)
NEXT_MORNING = utc(2026, 1, 15, 13, 0)
# 10:00 in New York: outside them.
MORNING = utc(2026, 1, 14, 15, 0)
LONG_AGO = timedelta(hours=73)  # past the school's 72 hours before a reminder


@dataclass
class School:
    id: int
    tokens: dict[str, str]

    def headers(self, role: str = "admin") -> dict[str, str]:
        return {"Accesstoken": self.tokens[role]}


def _school(registrar_db, queues) -> School:
    school_id = create_school(registrar_db, timezone="America/New_York")
    queues.publish_event(school_created(school_id, timezone_name="America/New_York"))
    return School(
        school_id,
        {role: issue_token(registrar_db, school_id, role) for role in ("admin", "registrar")},
    )


@pytest.fixture
def school(registrar_db, queues):
    return _school(registrar_db, queues)


@pytest.fixture
def client(api_settings, clock):
    return create_app(api_settings, {"TESTING": True, "NOTIFIER_CLOCK": clock}).test_client()


@pytest.fixture
def mail(tmp_path):
    with ScriptedMailSink(tmp_path / "mail") as sink:
        yield sink


def wait_for_message(connection, school_id: int, template: str, status: str) -> dict:
    (row,) = wait_until(
        lambda: [
            r
            for r in messages_of(connection, school_id)
            if (r["template_key"], r["status"]) == (template, status)
        ],
        what=f"{template} {status}",
    )
    return row


# -- preview ------------------------------------------------------------------------------------

WORDING = {
    "subject": "{{ school_name }}: we need {{ missing | join(', ') }}",
    "text": "Dear {{ guardian_name }},\n{{ note }}\n",
    "html": "<p>Dear {{ guardian_name }}, {{ '<b>' }}</p>",
}


def test_a_preview_writes_the_wording_with_its_templates_sample_and_stores_nothing(
    client, school, notifier_db
):
    answer = client.post(
        "/api/messages/templates/needs_info/preview", json=WORDING, headers=school.headers()
    )

    assert answer.status_code == 200, answer.get_json()
    preview = answer.get_json()
    assert preview["subject"] == "Sunrise Music School: we need birth certificate"
    assert preview["text"] == "Dear Grace Hopper,\nPlease send a copy of the birth certificate.\n"
    assert preview["html"] == "<p>Dear Grace Hopper, &lt;b&gt;</p>"
    assert preview["sample"]["guardian_name"] == "Grace Hopper"
    with notifier_db.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS n FROM t_message_template WHERE school_id = %s", (school.id,)
        )
        assert cursor.fetchone()["n"] == 0


def test_a_preview_past_a_render_limit_is_refused_with_the_limit_and_its_line(client, school):
    wording = {**WORDING, "text": "Hello\n{% for i in range(100000) %}x{% endfor %}"}

    answer = client.post(
        "/api/messages/templates/needs_info/preview", json=wording, headers=school.headers()
    )

    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "template_invalid"
    (problem,) = error["details"]["fields"]["text"]
    assert "range() would count 100,000 numbers; a template may count at most 10,000" in problem
    assert error["details"]["lines"] == {"text": 2}


def test_a_preview_with_a_syntax_error_is_refused_with_its_line(client, school):
    wording = {**WORDING, "html": "<p>\n\n{{ guardian_name }</p>"}

    answer = client.post(
        "/api/messages/templates/needs_info/preview", json=wording, headers=school.headers()
    )

    assert answer.status_code == 422
    details = answer.get_json()["error"]["details"]
    assert "TemplateSyntaxError" in details["fields"]["html"][0]
    assert details["lines"] == {"html": 3}


def test_a_preview_is_for_admins_with_a_token(client, school):
    path = "/api/messages/templates/needs_info/preview"

    assert client.post(path, json=WORDING).status_code == 401
    assert client.post(path, json=WORDING, headers=school.headers("registrar")).status_code == 403
    unknown = client.post(
        "/api/messages/templates/no_such/preview", json=WORDING, headers=school.headers()
    )
    assert unknown.status_code == 404


# -- the log: filters, search, reasons, pages ------------------------------------------------


@pytest.fixture
def school_log(school, queues, start_worker, clock, mail, notifier_db):
    """Late evening in New York: a reminder held by quiet hours, one suppressed for want of
    consent, a receipt refused by the mail server (failed) and one sent."""
    clock.set(LATE_EVENING)
    held = Family(school.id, unique_email("held"))
    unwilling = Family(school.id, unique_email("unwilling"))
    refused = Family(school.id, unique_email("refused"))
    paying = Family(school.id, unique_email("paying"))
    mail.refused.add(refused.email)
    queues.publish_event(held.submitted(consent=True))
    queues.publish_event(unwilling.submitted(consent=False))
    start_worker(smtp_url=mail.url)
    for family in (held, unwilling):
        queues.publish_event(family.needs_info(occurred_at=clock() - LONG_AGO))
    queues.publish_event(refused.invoice_paid(91))
    queues.publish_event(paying.invoice_paid(92))
    wait_for_message(notifier_db, school.id, "needs_info_reminder", "held")
    wait_for_message(notifier_db, school.id, "needs_info_reminder", "suppressed")
    wait_for_message(notifier_db, school.id, "receipt", "failed")
    wait_until(lambda: len(mail.messages()) == 3, what="the two requests and one receipt sent")
    return {"held": held, "unwilling": unwilling, "refused": refused, "paying": paying}


def log(client, school, **query) -> dict:
    answer = client.get("/api/messages", query_string=query, headers=school.headers())
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_the_held_filter_shows_the_reminder_held_by_quiet_hours_with_its_reason(
    client, school, school_log
):
    (message,) = log(client, school, status="held")["messages"]

    assert (message["template"], message["recipient"]) == (
        "needs_info_reminder",
        school_log["held"].email,
    )
    assert message["reason"] == (
        "Held through the school's quiet hours; it goes at 2026-01-15 13:00 UTC."
    )


def test_the_suppressed_and_failed_filters_give_each_its_reason(client, school, school_log):
    (suppressed,) = log(client, school, status="suppressed")["messages"]
    (failed,) = log(client, school, status="failed")["messages"]

    assert suppressed["recipient"] == school_log["unwilling"].email
    assert "no consent for reminders" in suppressed["reason"]
    assert failed["recipient"] == school_log["refused"].email
    assert failed["reason"].startswith("recipient refused: 550")
    sent = log(client, school, status="sent")["messages"]
    assert {m["reason"] for m in sent} == {None} and len(sent) == 3


def test_the_log_is_searched_by_address_start_or_registration_number(client, school, school_log):
    held = school_log["held"]

    by_address = log(client, school, q=held.email[:12].upper())["messages"]
    by_registration = log(client, school, q=str(school_log["paying"].registration_id))["messages"]

    assert {m["recipient"] for m in by_address} == {held.email}
    assert [m["template"] for m in by_address] == ["needs_info_reminder", "needs_info"]
    assert [(m["template"], m["status"]) for m in by_registration] == [("receipt", "sent")]
    assert log(client, school, q="nobody_%")["messages"] == []


def test_the_log_pages_on_with_its_cursor_newest_first(client, school, school_log):
    everything = [m["id"] for m in log(client, school, limit=50)["messages"]]
    seen, query = [], {"limit": 2}
    while True:
        page = log(client, school, **query)
        seen += [m["id"] for m in page["messages"]]
        if page["next_cursor"] is None:
            break
        query = {"limit": 2, "cursor": page["next_cursor"]}

    assert seen == everything == sorted(everything, reverse=True)
    assert len(everything) == 6


def test_a_cursor_the_api_did_not_give_is_refused(client, school):
    answer = client.get("/api/messages?cursor=bm9wZQ", headers=school.headers())

    assert answer.status_code == 422
    assert "cursor" in answer.get_json()["error"]["details"]["fields"]


# -- resend ---------------------------------------------------------------------------------


@pytest.fixture
def failed_receipt(school, queues, start_worker, mail, notifier_db):
    family = Family(school.id, unique_email("refused"))
    mail.refused.add(family.email)
    start_worker(smtp_url=mail.url)
    queues.publish_event(family.invoice_paid(93))
    row = wait_for_message(notifier_db, school.id, "receipt", "failed")
    return family, row


def resend(client, school, message_id: int, role: str | None = "admin"):
    headers = school.headers(role) if role else {}
    return client.post(f"/api/messages/{message_id}/resend", headers=headers)


def test_a_failed_message_sent_again_reaches_the_family(
    client, school, failed_receipt, mail, notifier_db
):
    family, row = failed_receipt
    mail.refused.discard(family.email)

    answer = resend(client, school, row["id"])

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "queued"
    (delivered,) = mail.wait_for(1)
    assert delivered.rcpt_tos == (family.email,)
    assert delivered.parsed()["Message-ID"] == row["message_id"]
    again = wait_for_message(notifier_db, school.id, "receipt", "sent")
    assert again["id"] == row["id"] and again["attempts"] == 1


def test_resend_needs_an_admins_token(client, school, failed_receipt):
    _family, row = failed_receipt

    assert resend(client, school, row["id"], role=None).status_code == 401
    assert resend(client, school, row["id"], role="registrar").status_code == 403


def test_another_schools_message_is_not_found(client, school, failed_receipt, registrar_db, queues):
    _family, row = failed_receipt
    other = _school(registrar_db, queues)

    answer = resend(client, other, row["id"])

    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_a_message_that_did_not_fail_is_not_sent_again(
    client, school, queues, start_worker, mail, notifier_db
):
    start_worker(smtp_url=mail.url)
    queues.publish_event(Family(school.id, unique_email()).invoice_paid(94))
    row = wait_for_message(notifier_db, school.id, "receipt", "sent")

    answer = resend(client, school, row["id"])

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "not_failed"
    assert len(mail.messages()) == 1


def test_a_failed_reminder_sent_again_in_quiet_hours_waits_for_them_to_end(
    client, school, queues, start_worker, mail, clock, notifier_db
):
    clock.set(MORNING)
    family = Family(school.id, unique_email("refused"))
    mail.refused.add(family.email)
    queues.publish_event(family.submitted(consent=True))
    start_worker(smtp_url=mail.url)
    queues.publish_event(family.needs_info(occurred_at=clock() - LONG_AGO))
    row = wait_for_message(notifier_db, school.id, "needs_info_reminder", "failed")
    mail.refused.discard(family.email)
    clock.set(LATE_EVENING)

    answer = resend(client, school, row["id"])

    assert answer.status_code == 200
    message = answer.get_json()
    assert message["status"] == "held"
    assert message["hold_until"].startswith("2026-01-15T13:00:00")
    clock.set(NEXT_MORNING)
    wait_for_message(notifier_db, school.id, "needs_info_reminder", "sent")
