"""Every e-mail the notifier sends, from every template, with EDQUILL_PUBLIC_URL set: its links
(List-Unsubscribe included) are all under the public address, signed so they open, and no
service-to-service address (EDQUILL_*_URL, 127.0.0.1:800x) appears anywhere in it. The real
notifier worker is driven with events; the mail is read from the real SMTP sink."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from notifier.adapters import reminder_store
from notifier.bootstrap import bootstrap
from notifier.domain.confirmation_links import PATH as CONFIRMATION_PATH
from notifier.domain.confirmation_links import read_confirmation_token
from notifier.domain.reminders import ReminderKind, ReminderRequest
from notifier.domain.templates import TEMPLATES
from notifier.domain.unsubscribe_links import read_unsubscribe_token, unsubscribe_token
from notifier.entrypoints.app import create_app
from shared import db
from shared.family_links import read_autopay_link, read_family_link
from shared.signing import KeyRing
from shared.staff_invitation_links import InvitationLink, read_invitation_link
from tests.integration.notifier.conftest import TEST_CONFIG
from tests.support.notifier import (
    Family,
    FastNotifierConsumer,
    WorkerThread,
    new_school_id,
    school_created,
    statuses_of,
    unique_email,
    utc,
)
from tests.support.staff_invitations import staff_invited
from tests.support.waiting import wait_until
from tests.support.waitlist_events import seat_expired, seat_offered, waitlisted

PUBLIC_URL = "https://school.example"
TEMPLATE_DIR = Path(__file__).parents[3] / "services" / "notifier" / "templates"
# 22:30 in New York: inside the default quiet hours, so due reminders are held; 08:00 next day.
LATE_EVENING, NEXT_MORNING = utc(2026, 1, 15, 3, 30), utc(2026, 1, 15, 13, 0)
URL = re.compile(r"""https?://[^\s"'<>]+""")
# Which test below makes each template send (both together cover them all).
SENT_ONE_BY_ONE = {
    "status_update",
    "needs_info",
    "approved",
    "receipt",
    "welcome",
    "needs_info_reminder",
    "invoice_reminder",
    "family_link",
    "waitlisted",
    "seat_offered",
    "seat_expired",
}
SENT_AS_DIGEST = {"reminder_digest"}
SENT_TO_CONFIRM_CONSENT = {"consent_confirmation"}
SENT_TO_THE_STAFF = {"family_answered", "staff_invitation"}


@pytest.fixture
def public_settings(settings, sink):
    return replace(
        settings, smtp_url=sink.url, public_url=PUBLIC_URL, mail_from="no-reply@school.example"
    )


@pytest.fixture
def worker(public_settings, clock, notifier_db, queues):
    thread = WorkerThread(
        bootstrap(public_settings, TEST_CONFIG, clock=clock, consumer_class=FastNotifierConsumer)
    ).start()
    yield thread
    thread.stop()


def school(queues, notifier_db, timezone_name="UTC") -> int:
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, timezone_name=timezone_name))
    with notifier_db.cursor() as cursor:  # status e-mails on, as a school turns them on
        cursor.execute(
            "INSERT INTO t_school_notice_settings (school_id, quiet_hours_start, "
            "quiet_hours_end, status_updates, needs_info_reminder_hours, "
            "invoice_reminder_hours, updated_at) VALUES (%s, '21:00', '08:00', "
            "'in_review', 72, 168, UTC_TIMESTAMP())",
            (school_id,),
        )
    return school_id


def template_of(message) -> str:
    """Which template a received message came from, by its subject."""
    subject = message["Subject"]
    for prefix, key in (("Welcome to", "welcome"), ("2 reminders", "reminder_digest")):
        if subject.startswith(prefix):
            return key
    for words, key in (
        ("we still need", "needs_info_reminder"),
        ("is still open", "invoice_reminder"),
        ("more information", "needs_info"),
        ("is approved", "approved"),
        ("payment received", "receipt"),
        ("is in review", "status_update"),
        ("please confirm", "consent_confirmation"),
        ("the link to", "family_link"),
        ("on the waitlist", "waitlisted"),
        ("a seat is free", "seat_offered"),
        ("offer has passed on", "seat_expired"),
    ):
        if words in subject:
            return key
    raise AssertionError(f"no template has the subject {subject!r}")


def assert_only_public_links(stored, settings) -> list[str]:
    """The message's links, after checking each is under the public URL and that no internal
    address appears anywhere in the message (headers included)."""
    raw = stored.raw().decode("utf-8", "replace")
    for internal in (
        settings.registrar_url,
        settings.notifier_url,
        settings.kpi_url,
        "127.0.0.1",
        "localhost",
    ):
        assert internal not in raw, f"{internal} in {stored.subject!r}"
    message = stored.parsed()
    parts = [message.get_body(("plain",)).get_content()]
    if message.get_body(("html",)) is not None:
        parts.append(message.get_body(("html",)).get_content())
    header = message["List-Unsubscribe"]
    assert header.startswith(f"<{PUBLIC_URL}/unsubscribe/") and header.endswith(">")
    links = [header[1:-1], *(url for part in parts for url in URL.findall(part))]
    for link in links:
        assert link.startswith(f"{PUBLIC_URL}/"), f"{link} in {stored.subject!r}"
        assert "edquill-link-" not in link
    assert "edquill-link-" not in raw  # no placeholder left unsigned
    return links


def assert_links_open(links, settings, school_id, recipient, now) -> None:
    keys = KeyRing.of(settings)
    for link in links:
        # A link may name the language its page opens in (?lang=): the token is the path's.
        path = urlsplit(link.removeprefix(PUBLIC_URL)).path
        if path.startswith(CONFIRMATION_PATH):
            confirmation = read_confirmation_token(keys, path.removeprefix(CONFIRMATION_PATH))
            assert confirmation.school_id == school_id
        elif path.startswith("/unsubscribe/"):
            wanted = read_unsubscribe_token(keys, path.removeprefix("/unsubscribe/"))
            assert (wanted.school_id, wanted.recipient) == (school_id, recipient)
        elif path.startswith("/family/"):
            opened = read_family_link(keys, path.removeprefix("/family/"), now)
            assert opened.school_id == school_id and opened.sent_to(recipient)
        else:
            assert path.startswith("/autopay/"), link
            assert (
                read_autopay_link(keys, path.removeprefix("/autopay/"), now).school_id == school_id
            )


def test_the_templates_tested_here_are_all_the_notifier_has():
    assert SENT_ONE_BY_ONE | SENT_AS_DIGEST | SENT_TO_CONFIRM_CONSENT | SENT_TO_THE_STAFF == set(
        TEMPLATES
    )
    assert {path.stem for path in TEMPLATE_DIR.iterdir()} == set(TEMPLATES)


def test_every_message_links_only_under_the_public_url(
    worker, queues, notifier_db, sink, clock, public_settings
):
    school_id = school(queues, notifier_db)
    family = Family(
        school_id,
        unique_email(),
        guardian_name="Grace",
        student_first_name="Ada",
        student_last_name="Lovelace",
    )
    queues.publish_event(family.submitted(consent=True))
    queues.publish_event(family.moved("pending", "in_review"))
    queues.publish_event(family.needs_info(occurred_at=clock()))
    queues.publish_event(
        family.invoice_issued(
            71, occurred_at=clock(), autopay_link_expires_at="2026-02-01T00:00:00Z"
        )
    )
    queues.publish_event(family.invoice_paid(72))
    queues.publish_event(family.welcome_requested(student_id=5))
    queues.publish_event(family.event("selfreg.family_link.requested", status="in_review"))
    queues.publish_event(waitlisted(family))
    queues.publish_event(seat_offered(family))
    queues.publish_event(seat_expired(family))
    sink.wait_for(9)
    clock.advance(hours=72, minutes=1)  # the needs_info reminder falls due
    sink.wait_for(10)
    clock.advance(hours=96, minutes=1)  # and the unpaid invoice's (168 h)
    received = sink.wait_for(11)

    assert {template_of(stored.parsed()) for stored in received} == SENT_ONE_BY_ONE
    for stored in received:
        links = assert_only_public_links(stored, public_settings)
        assert_links_open(links, public_settings, school_id, family.email, clock())
        # Every e-mail about the registration leads to the family's page of it.
        assert any("/family/" in link for link in links), stored.subject
    approved = next(s for s in received if template_of(s.parsed()) == "approved")
    assert any("/autopay/" in link for link in assert_only_public_links(approved, public_settings))


def test_the_staffs_answer_alert_links_only_under_the_public_url(
    worker, queues, notifier_db, sink, public_settings
):
    school_id = school(queues, notifier_db)
    with notifier_db.cursor() as cursor:
        cursor.execute(
            "UPDATE t_school_notice_settings SET answer_alert_email = 'desk@school.example' "
            "WHERE school_id = %s",
            (school_id,),
        )
    family = Family(school_id, unique_email(), student_first_name="Ada")
    queues.publish_event(
        family.event("selfreg.info.provided", document_ids=[], answered=True, language="en")
    )

    (alert,) = sink.wait_for(1)

    assert alert.rcpt_tos == ("desk@school.example",)
    links = assert_only_public_links(alert, public_settings)
    workspace = f"{PUBLIC_URL}/admin/registrar?registration={family.registration_id}"
    assert workspace in links
    assert not any("/family/" in link for link in links)  # nothing that acts for a family


def test_a_staff_invitation_links_only_under_the_public_url_and_its_link_opens(
    worker, queues, notifier_db, sink, clock, public_settings
):
    school_id = school(queues, notifier_db)
    colleague = unique_email("colleague")
    expires_at = (clock() + timedelta(hours=72)).replace(microsecond=0)
    queues.publish_event(staff_invited(school_id, 8, colleague, expires_at))

    (invitation,) = sink.wait_for(1)

    assert invitation.rcpt_tos == (colleague,)
    links = assert_only_public_links(invitation, public_settings)
    opened = [
        read_invitation_link(
            KeyRing.of(public_settings),
            link.removeprefix(f"{PUBLIC_URL}/staff/invitation/"),
            clock(),
        )
        for link in links
        if link.startswith(f"{PUBLIC_URL}/staff/invitation/")
    ]
    assert opened and set(opened) == {InvitationLink(school_id, 8, expires_at)}
    assert not any("/family/" in link for link in links)  # nothing that acts for a family


def test_a_digest_of_held_reminders_links_only_under_the_public_url(
    worker, queues, notifier_db, sink, clock, public_settings
):
    school_id = school(queues, notifier_db, timezone_name="America/New_York")
    family = Family(school_id, unique_email(), student_first_name="Ada")
    queues.publish_event(family.submitted(consent=True))
    clock.set(LATE_EVENING)
    queues.publish_event(family.needs_info(occurred_at=clock() - timedelta(hours=73)))
    queues.publish_event(
        family.invoice_issued(
            73,
            occurred_at=clock() - timedelta(hours=169),
            autopay_link_expires_at="2026-02-01T00:00:00Z",
        )
    )
    sink.wait_for(2)  # the request and the approval go at once
    # Their reminders fire late in the evening and are held: both, before the morning comes.
    wait_until(
        lambda: (
            sorted(t for t, status in statuses_of(notifier_db, school_id) if status == "held")
            == ["invoice_reminder", "needs_info_reminder"]
        ),
        what="both reminders held through quiet hours",
    )
    clock.set(NEXT_MORNING)

    digest = sink.wait_for(3)[-1]

    assert template_of(digest.parsed()) == "reminder_digest"
    links = assert_only_public_links(digest, public_settings)
    assert_links_open(links, public_settings, school_id, family.email, clock())
    assert any("/autopay/" in link for link in links)


def test_a_reminder_scheduled_with_a_stored_signed_link_goes_without_it(
    worker, queues, notifier_db, sink, clock, settings, public_settings
):
    """Before links became placeholders a reminder's context kept the signed link, under the
    registrar's service address: it is sent without that link, and the log keeps none."""
    school_id = school(queues, notifier_db)
    family = Family(school_id, unique_email(), student_first_name="Ada")
    queues.publish_event(family.submitted(consent=True))
    queues.publish_event(family.invoice_paid(74))  # something that sends, to wait for
    sink.wait_for(1)
    legacy_link = f"{settings.registrar_url}/autopay/legacy.signed.token"
    with db.transaction(notifier_db) as cursor:
        reminder_store.schedule_reminder(
            cursor,
            school_id,
            family.registration_id,
            ReminderRequest(
                ReminderKind.INVOICE_UNPAID,
                family.email,
                clock(),
                {
                    "invoice": {"number": "INV-0075", "amount": "USD 250.00"},
                    "autopay_url": legacy_link,
                },
                invoice_id=75,
            ),
            "legacy-event",
            clock(),
        )

    reminder = sink.wait_for(2)[-1]

    assert template_of(reminder.parsed()) == "invoice_reminder"
    assert_only_public_links(reminder, public_settings)
    assert "/autopay/" not in reminder.raw().decode()
    with notifier_db.cursor() as cursor:
        cursor.execute(
            "SELECT context, body_text, body_html FROM t_message_log "
            "WHERE school_id = %s AND template_key = 'invoice_reminder'",
            (school_id,),
        )
        (row,) = cursor.fetchall()
    assert all("legacy.signed.token" not in (row[column] or "") for column in row)


def test_a_consent_confirmation_links_only_under_the_public_url(
    worker, queues, notifier_db, sink, clock, public_settings
):
    """An address that unsubscribed by link, named again on a form that says yes, is asked
    to confirm: that e-mail's links too are under the public address, and open."""
    school_id = school(queues, notifier_db)
    first = Family(school_id, unique_email())
    queues.publish_event(first.submitted(consent=True, occurred_at=clock()))
    queues.publish_event(first.invoice_paid(76))  # something that sends, to wait for
    sink.wait_for(1)
    clock.advance(minutes=1)
    notifier = create_app(public_settings, {"TESTING": True, "NOTIFIER_CLOCK": clock})
    token = unsubscribe_token(KeyRing.of(public_settings), school_id, first.email)
    assert notifier.test_client().post(f"/unsubscribe/{token}").status_code == 200
    clock.advance(minutes=1)
    again = Family(school_id, first.email)
    queues.publish_event(again.submitted(consent=True, occurred_at=clock()))

    confirmation = sink.wait_for(2)[-1]

    assert template_of(confirmation.parsed()) == "consent_confirmation"
    links = assert_only_public_links(confirmation, public_settings)
    assert any(CONFIRMATION_PATH in link for link in links)
    assert_links_open(links, public_settings, school_id, first.email, clock())
