"""Reminders and quiet hours, with a clock the test moves: reminders fall due after the
school's wait, wait out the night in the school's time zone, collapse per family, and stop
when the family acts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.notifier import (
    Family,
    messages_of,
    new_school_id,
    reminders_of,
    school_created,
    statuses_of,
    unique_email,
    utc,
)
from tests.support.waiting import stays_true, wait_until

# 22:30 in New York (EST, UTC-5) on Wednesday 14 January: inside the default quiet hours.
LATE_EVENING = utc(2026, 1, 15, 3, 30)
# 08:00 the next morning in New York: the window opens.
NEXT_MORNING = utc(2026, 1, 15, 13, 0)
NEEDS_INFO_WAIT = timedelta(hours=72)


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, timezone_name="America/New_York"))
    return school_id


@pytest.fixture
def family(queues, school_id):
    """A family that agreed to reminders on the form."""
    family = Family(school_id, unique_email(), student_first_name="Ada")
    queues.publish_event(family.submitted(consent=True))
    return family


def ask_for_information_long_ago(queues, family, now):
    """A needs_info request whose reminder is already due at `now`."""
    queues.publish_event(family.needs_info(occurred_at=now - NEEDS_INFO_WAIT - timedelta(hours=1)))


def wait_for_status(connection, school_id, template, status):
    return wait_until(
        lambda: (template, status) in statuses_of(connection, school_id),
        what=f"{template} {status}",
    )


def test_a_reminder_is_sent_once_the_schools_wait_is_over(
    start_worker, queues, sink, family, clock, notifier_db, school_id
):
    start_worker()
    queues.publish_event(family.needs_info(occurred_at=clock()))
    sink.wait_for(1)  # the request itself
    assert stays_true(lambda: len(sink.messages()) == 1, 0.3)

    clock.advance(hours=72, minutes=1)

    reminder = sink.wait_for(2)[-1].parsed()
    assert reminder["Subject"].startswith("Reminder from Sunrise Music School: we still need")
    assert reminder["To"] == family.email


def test_a_reminder_due_in_quiet_hours_is_held_until_the_window_opens(
    start_worker, queues, sink, family, clock, notifier_db, school_id
):
    clock.set(LATE_EVENING)
    start_worker()
    ask_for_information_long_ago(queues, family, clock())

    wait_for_status(notifier_db, school_id, "needs_info_reminder", "held")
    held = [r for r in messages_of(notifier_db, school_id) if r["status"] == "held"][0]
    assert held["hold_until"] == NEXT_MORNING.replace(tzinfo=None)
    sink.wait_for(1)  # the request itself goes at once
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)


def test_a_held_reminder_is_sent_when_the_window_opens(
    start_worker, queues, sink, family, clock, notifier_db, school_id
):
    clock.set(LATE_EVENING)
    start_worker()
    ask_for_information_long_ago(queues, family, clock())
    wait_for_status(notifier_db, school_id, "needs_info_reminder", "held")

    clock.set(NEXT_MORNING)

    assert sink.wait_for(2)[-1].subject.startswith("Reminder from")
    wait_for_status(notifier_db, school_id, "needs_info_reminder", "sent")


def test_transactional_mail_is_not_held_by_quiet_hours(
    start_worker, queues, sink, family, clock, notifier_db, school_id
):
    clock.set(LATE_EVENING)
    start_worker()
    queues.publish_event(family.invoice_paid(31))

    assert sink.wait_for(1)[0].subject.endswith("payment received for invoice INV-0031")


def test_held_reminders_to_one_family_go_as_one_message(
    start_worker, queues, sink, clock, notifier_db, school_id
):
    email = unique_email()
    first, second = (
        Family(school_id, email, student_first_name="Ada"),
        Family(school_id, email, student_first_name="Alan"),
    )
    for child in (first, second):
        queues.publish_event(child.submitted(consent=True))
    clock.set(LATE_EVENING)
    start_worker()
    for child in (first, second):
        ask_for_information_long_ago(queues, child, clock())
    wait_until(
        lambda: statuses_of(notifier_db, school_id).count(("needs_info_reminder", "held")) == 2,
        what="both reminders held",
    )

    clock.set(NEXT_MORNING)

    digest = sink.wait_for(3)[-1].parsed()
    assert digest["Subject"] == "2 reminders from Sunrise Music School"
    text = digest.get_body(("plain",)).get_content()
    assert "for Ada" in text and "for Alan" in text
    assert stays_true(lambda: len(sink.messages()) == 3, 0.5)
    collapsed = [r for r in messages_of(notifier_db, school_id) if r["status"] == "collapsed"]
    digest_row = [
        r for r in messages_of(notifier_db, school_id) if r["template_key"] == "reminder_digest"
    ][0]
    assert [r["collapsed_into"] for r in collapsed] == [digest_row["id"]] * 2


def test_a_reminder_stops_when_the_family_answers(
    start_worker, queues, sink, family, clock, notifier_db, school_id
):
    start_worker()
    queues.publish_event(family.needs_info(occurred_at=clock()))
    queues.publish_event(family.moved("needs_info", "in_review"))
    wait_until(
        lambda: [r["status"] for r in reminders_of(notifier_db, school_id)] == ["cancelled"],
        what="the reminder cancelled",
    )

    clock.advance(hours=80)

    sink.wait_for(1)
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)
    assert "needs_info_reminder" not in [t for t, _ in statuses_of(notifier_db, school_id)]


def test_a_held_reminder_is_not_sent_once_the_family_answers(
    start_worker, queues, sink, family, clock, notifier_db, school_id
):
    clock.set(LATE_EVENING)
    start_worker()
    ask_for_information_long_ago(queues, family, clock())
    wait_for_status(notifier_db, school_id, "needs_info_reminder", "held")

    queues.publish_event(family.moved("needs_info", "in_review"))
    wait_for_status(notifier_db, school_id, "needs_info_reminder", "cancelled")
    clock.set(NEXT_MORNING)

    sink.wait_for(1)
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)


def test_an_unpaid_invoice_is_reminded_after_the_wait(start_worker, queues, sink, family, clock):
    start_worker()
    queues.publish_event(family.invoice_issued(41, occurred_at=clock()))
    sink.wait_for(1)

    clock.advance(hours=168, minutes=1)

    reminder = sink.wait_for(2)[-1]
    assert reminder.subject == "Reminder from Sunrise Music School: invoice INV-0041 is still open"


def test_a_paid_invoice_is_not_reminded(
    start_worker, queues, sink, family, clock, notifier_db, school_id
):
    start_worker()
    queues.publish_event(family.invoice_issued(42, occurred_at=clock()))
    queues.publish_event(family.invoice_paid(42))
    sink.wait_for(2)  # approval and receipt
    wait_until(
        lambda: [r["status"] for r in reminders_of(notifier_db, school_id)] == ["cancelled"],
        what="the invoice reminder cancelled",
    )

    clock.advance(hours=200)

    assert stays_true(lambda: len(sink.messages()) == 2, 0.5)
