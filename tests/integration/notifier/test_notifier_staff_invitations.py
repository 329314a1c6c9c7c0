"""staff.invited through RabbitMQ to the real notifier worker and an SMTP server on loopback:
the invited address gets one English e-mail, also when the event is delivered twice, whose
link opens that invitation under EDQUILL_PUBLIC_URL; the message log keeps no signed link."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.signing import KeyRing
from shared.staff_invitation_links import InvitationLink, read_invitation_link
from tests.support.notifier import messages_of, new_school_id, school_created, unique_email
from tests.support.staff_invitations import invitation_path_in, staff_invited
from tests.support.waiting import stays_true, wait_until

PUBLIC_URL = "https://school.example"


@pytest.fixture
def worker(start_worker):
    return start_worker(settings_changes={"public_url": PUBLIC_URL})


@pytest.fixture
def invitation(queues, clock):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, timezone_name="America/New_York"))
    expires_at = (clock() + timedelta(hours=72)).replace(microsecond=0)
    return staff_invited(
        school_id, 31, unique_email("colleague"), expires_at, timezone_name="America/New_York"
    )


def test_the_invited_address_gets_one_mail_with_a_link_that_opens_its_invitation(
    worker, queues, sink, settings, invitation, clock
):
    queues.publish_event(invitation)

    (mail,) = sink.wait_for(1)

    email = invitation.payload["email"]
    assert mail.rcpt_tos == (email,)
    message = mail.parsed()
    assert message["Subject"] == (
        "Sunrise Music School: you are invited to join the staff on EdQuill"
    )
    body = message.get_body(("plain",)).get_content()
    assert "head@school.example invited you" in body and "as a registrar" in body
    assert "until January 17, 2026, 10:00\u202fAM (Sunrise Music School's time)" in body
    token = invitation_path_in(body, PUBLIC_URL).removeprefix("/staff/invitation/")
    opened = read_invitation_link(KeyRing.of(settings), token, clock())
    expires_at = invitation.payload["expires_at"]
    assert opened == InvitationLink(invitation.school_id, 31, opened.expires_at)
    assert opened.expires_at.strftime("%Y-%m-%dT%H:%M:%S.000000Z") == expires_at
    html = message.get_body(("html",)).get_content()
    assert f'href="{PUBLIC_URL}/staff/invitation/{token}"' in html


def test_delivered_twice_it_is_sent_once(worker, queues, sink, notifier_db, invitation):
    queues.publish_event(invitation)
    queues.publish_event(invitation)

    sink.wait_for(1)

    assert stays_true(lambda: len(sink.messages()) == 1, 1.0)
    assert [m["template_key"] for m in messages_of(notifier_db, invitation.school_id)] == [
        "staff_invitation"
    ]


def test_the_message_log_keeps_a_placeholder_not_the_link(
    worker, queues, sink, notifier_db, invitation
):
    queues.publish_event(invitation)
    sink.wait_for(1)
    wait_until(
        lambda: [m["status"] for m in messages_of(notifier_db, invitation.school_id)] == ["sent"],
        what="the invitation e-mail marked sent",
    )

    with notifier_db.cursor() as cursor:
        cursor.execute(
            "SELECT body_text, body_html, context FROM t_message_log WHERE school_id = %s",
            (invitation.school_id,),
        )
        stored = " ".join(str(value) for value in cursor.fetchone().values())
    assert "edquill-link-invitation-31-" in stored
    assert "/staff/invitation/" not in stored
