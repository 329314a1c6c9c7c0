"""A school's template that would stall the worker (saved straight into the table, so past the
API's check) fails its own message, quickly and with the limit it passed, while the mail of
another school sent at the same time arrives, on the real worker, RabbitMQ and SMTP sink."""

from __future__ import annotations

import time

import pytest

from tests.support.notifier import Family, messages_of, new_school_id, school_created, unique_email
from tests.support.waiting import wait_until

# Unbounded, each of these keeps the worker busy for hours or takes all its memory.
HOSTILE = {
    "nested_loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "range() would count 100,000 numbers; a template may count at most 10,000",
    ),
    "loops_within_range": (
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "more than 100,000 steps",
    ),
    "power_tower": ("{{ 10**10**10 }}", "`**` would make a number of more than 128 bits"),
    "string_repetition": ('{{ "x" * 10**10 }}', "`*` would make a value of more than 100,000"),
    "slow_work": (
        "{% set big = range(9000)|list %}{% for i in range(9000) %}"
        "{% set x = big|sort %}{% endfor %}",
        "takes longer than 1 s to render",
    ),
}
# Generous for the machine under load; an unbounded template would not finish in hours.
FAILS_WITHIN_SECONDS = 15


def new_school(queues, name: str) -> int:
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, name=name))
    return school_id


def save_straight_into_the_table(connection, school_id: int, key: str, text: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_message_template (school_id, template_key, subject, "
            "body_text, body_html, created_at, updated_at) VALUES (%s, %s, 'Hello', "
            "%s, '<p>Hello</p>', UTC_TIMESTAMP(), UTC_TIMESTAMP())",
            (school_id, key, text),
        )


def failures(connection, school_id: int) -> list[str]:
    return [row["error"] for row in messages_of(connection, school_id) if row["status"] == "failed"]


def sent_to(connection, school_id: int) -> list[str]:
    return [
        row["recipient"] for row in messages_of(connection, school_id) if row["status"] == "sent"
    ]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_template_fails_its_message_alone_and_other_mail_flows(
    start_worker, queues, sink, notifier_db, name
):
    text, reason = HOSTILE[name]
    hostile_school = new_school(queues, "Hostile Academy")
    other_school = new_school(queues, "Sunrise Music School")
    save_straight_into_the_table(notifier_db, hostile_school, "needs_info", text)
    asked, paying = (Family(hostile_school, unique_email()) for _ in range(2))
    elsewhere = Family(other_school, unique_email(), guardian_name="Grace Hopper")
    start_worker()
    started = time.monotonic()

    queues.publish_event(asked.needs_info())
    queues.publish_event(paying.invoice_paid(81))
    queues.publish_event(elsewhere.needs_info())

    (failed,) = wait_until(
        lambda: [
            row for row in messages_of(notifier_db, hostile_school) if row["status"] == "failed"
        ],
        timeout=FAILS_WITHIN_SECONDS,
        what="the hostile message failed",
    )
    assert time.monotonic() - started < FAILS_WITHIN_SECONDS
    assert failed["recipient"] == asked.email and failed["template_origin"] == "school"
    assert failed["error"].startswith("template needs_info (school) (text): ")
    assert reason in failed["error"]
    delivered = sink.wait_for(2, timeout=FAILS_WITHIN_SECONDS)
    assert sorted(message.parsed()["To"] for message in delivered) == sorted(
        [paying.email, elsewhere.email]
    )
    assert wait_until(
        lambda: sent_to(notifier_db, other_school), what="the other school's message marked sent"
    ) == [elsewhere.email]


def test_a_template_that_ran_out_of_time_fails_at_once_for_the_next_families(
    start_worker, queues, sink, notifier_db
):
    slow, _reason = HOSTILE["slow_work"]
    hostile_school = new_school(queues, "Hostile Academy")
    other_school = new_school(queues, "Sunrise Music School")
    save_straight_into_the_table(notifier_db, hostile_school, "needs_info", slow)
    elsewhere = Family(other_school, unique_email())
    start_worker()

    for _ in range(3):
        queues.publish_event(Family(hostile_school, unique_email()).needs_info())
    queues.publish_event(elsewhere.needs_info())

    errors = wait_until(
        lambda: (
            len(failures(notifier_db, hostile_school)) == 3
            and failures(notifier_db, hostile_school)
        ),
        timeout=FAILS_WITHIN_SECONDS,
        what="three failed messages",
    )
    assert "takes longer than 1 s to render" in errors[0]
    assert all(
        "took longer than 1 s to render for an earlier message" in error for error in errors[1:]
    )
    assert [message.parsed()["To"] for message in sink.wait_for(1)] == [elsewhere.email]
