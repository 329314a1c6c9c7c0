"""Bad input is logged with its reason and dead-lettered where retrying cannot help; a bad
template or address fails one message, never the worker."""

from __future__ import annotations

import json

import pytest

from shared.dead_letters import ATTEMPTS_HEADER, ERROR_HEADER
from tests.support.notifier import Family, messages_of, new_school_id, school_created, unique_email
from tests.support.waiting import wait_until


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id))
    return school_id


def raw_event(school_id: int, event_type: str, payload: dict) -> bytes:
    return json.dumps(
        {
            "event_id": "0f8e4c52-3c1e-4d3e-9a43-2b7f3b1f0c11",
            "event_type": event_type,
            "school_id": school_id,
            "aggregate_type": "self_registration",
            "aggregate_id": 5,
            "occurred_at": "2026-01-14T15:00:00.000000Z",
            "payload": payload,
        }
    ).encode()


def test_an_event_of_an_unknown_type_is_dead_lettered_with_the_reason(
    start_worker, queues, school_id
):
    start_worker()
    queues.publish(
        raw_event(school_id, "selfreg.teleported", {"registration_id": 5}), "selfreg.teleported"
    )

    ((properties, _body),) = queues.dead_letters(1)
    assert (
        properties.headers[ERROR_HEADER]
        == "malformed event: unknown event type 'selfreg.teleported'"
    )


def test_an_event_missing_a_field_is_dead_lettered_with_the_reason(start_worker, queues, school_id):
    start_worker()
    queues.publish(
        raw_event(
            school_id, "selfreg.status.updated", {"registration_id": 5, "from_status": "in_review"}
        ),
        "selfreg.status.updated",
    )

    ((properties, _body),) = queues.dead_letters(1)
    assert (
        properties.headers[ERROR_HEADER]
        == "malformed event: selfreg.status.updated payload lacks to_status"
    )


def test_an_event_for_a_school_not_yet_known_is_retried_then_dead_lettered(
    start_worker, queues, notifier_db
):
    start_worker()
    queues.publish_event(Family(new_school_id(), unique_email()).invoice_paid(71))

    ((properties, _body),) = queues.dead_letters(1, timeout=20)
    assert properties.headers[ERROR_HEADER].startswith(
        "handler failed after 5 attempts: SchoolNotKnown: school"
    )
    assert properties.headers[ATTEMPTS_HEADER] == 5


def test_a_template_that_fails_is_logged_as_failed_and_the_worker_goes_on(
    start_worker, queues, sink, notifier_db, school_id
):
    with notifier_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_message_template (school_id, template_key, subject, "
            "body_text, body_html, created_at, updated_at) VALUES (%s, 'needs_info', "
            "'Hi', 'Invoice {{ invoice.number }}', '<p>x</p>', UTC_TIMESTAMP(), "
            "UTC_TIMESTAMP())",
            (school_id,),
        )
    start_worker()
    queues.publish_event(Family(school_id, unique_email()).needs_info())
    queues.publish_event(Family(school_id, unique_email()).invoice_paid(73))

    assert sink.wait_for(1)[0].subject.endswith("invoice INV-0073")
    failed = wait_until(
        lambda: [r for r in messages_of(notifier_db, school_id) if r["status"] == "failed"],
        what="the failed message",
    )[0]
    assert failed["template_key"] == "needs_info" and failed["template_origin"] == "school"
    assert failed["error"] == (
        "template needs_info (school) (text): UndefinedError: 'invoice' is undefined"
    )


def test_an_event_without_a_usable_address_is_logged_as_failed(
    start_worker, queues, notifier_db, school_id
):
    start_worker()
    queues.publish_event(Family(school_id, "not an address").invoice_paid(74))

    (row,) = wait_until(lambda: messages_of(notifier_db, school_id), what="the log row")
    assert row["status"] == "failed"
    assert row["error"] == "the event carries no valid recipient address"
