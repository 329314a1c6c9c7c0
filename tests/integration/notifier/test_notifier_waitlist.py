"""The waitlist's e-mails, read back from the SMTP sink: the family's place on the list, the
seat held for it (the class, until when in the school's time zone, the family link), and the
offer passed on; each sent once however often its event is delivered."""

from __future__ import annotations

import pytest

from tests.support.notifier import Family, new_school_id, school_created, statuses_of, unique_email
from tests.support.waiting import stays_true
from tests.support.waitlist_events import seat_answered, seat_expired, seat_offered, waitlisted


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(
        school_created(school_id, name="Sunrise Music School", timezone_name="America/New_York")
    )
    return school_id


@pytest.fixture
def family(school_id):
    return Family(school_id, unique_email(), guardian_name="Grace", student_first_name="Ada")


def only_message(sink):
    (message,) = sink.wait_for(1)
    return message.parsed()


def test_joining_the_list_tells_the_position(start_worker, queues, sink, family):
    start_worker()
    queues.publish_event(waitlisted(family, position=3))

    message = only_message(sink)

    assert message["To"] == family.email
    assert message["Subject"] == "Sunrise Music School: Ada is on the waitlist"
    assert "You are number 3 on the list." in message.get_body(("plain",)).get_content()


def test_an_offer_names_the_class_the_hold_in_school_time_and_the_link(
    start_worker, queues, sink, family
):
    start_worker()
    queues.publish_event(seat_offered(family))

    message = only_message(sink)
    text = message.get_body(("plain",)).get_content()

    assert message["Subject"] == "Sunrise Music School: a seat is free for Ada"
    assert "Class: Piano" in text
    # 23:00 UTC is 6 PM in New York (Babel writes a narrow space before PM).
    assert "January 14, 2026, 6:00\u202fPM" in text
    assert "/family/" in text


def test_an_offer_reads_in_spanish(start_worker, queues, sink, family):
    start_worker()
    queues.publish_event(seat_offered(family, language="es"))

    message = only_message(sink)

    assert message["Subject"] == "Sunrise Music School: hay una plaza libre para Ada"
    assert "Le reservamos la plaza hasta" in message.get_body(("plain",)).get_content()


def test_an_expired_offer_says_it_passed_on(start_worker, queues, sink, family):
    start_worker()
    queues.publish_event(seat_expired(family))

    message = only_message(sink)

    assert message["Subject"] == "Sunrise Music School: the seat offer has passed on"
    assert "gone to the next family" in message.get_body(("plain",)).get_content()


def test_a_redelivered_offer_sends_one_message(
    start_worker, queues, sink, family, notifier_db, school_id
):
    event = seat_offered(family)
    start_worker()
    queues.publish_event(event)
    queues.publish_event(event)  # the same event id again, as after a lost ack

    sink.wait_for(1)
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)
    assert statuses_of(notifier_db, school_id) == [("seat_offered", "sent")]


def test_answers_to_an_offer_send_nothing(start_worker, queues, sink, family, school_id):
    start_worker()
    queues.publish_event(seat_answered(family, "selfreg.seat.accepted"))
    queues.publish_event(seat_answered(family, "selfreg.seat.declined", offer_id=12))
    queues.publish_event(waitlisted(family))  # a marker: it comes after both

    message = only_message(sink)

    assert "waitlist" in message["Subject"]
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)
