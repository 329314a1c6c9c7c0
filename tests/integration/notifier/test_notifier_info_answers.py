"""The family's answer to a request for information (selfreg.info.provided), consumed by the
notifier with a clock the test moves: the needs-info reminder stops on the answer alone, and
nobody is written to about it, also when the answer is delivered twice."""

from __future__ import annotations

import pytest

from tests.support.notifier import (
    Family,
    new_school_id,
    reminders_of,
    school_created,
    statuses_of,
    unique_email,
)
from tests.support.waiting import stays_true, wait_until


@pytest.fixture
def family(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id, timezone_name="America/New_York"))
    family = Family(school_id, unique_email(), student_first_name="Ada")
    queues.publish_event(family.submitted(consent=True))
    return family


def info_provided(family: Family):
    return family.event("selfreg.info.provided", document_ids=[5], answered=True, language="en")


def test_the_answer_alone_stops_the_needs_info_reminder(
    start_worker, queues, sink, family, clock, notifier_db
):
    start_worker()
    queues.publish_event(family.needs_info(occurred_at=clock()))
    answer = info_provided(family)
    queues.publish_event(answer)
    queues.publish_event(answer)
    wait_until(
        lambda: [r["status"] for r in reminders_of(notifier_db, family.school_id)] == ["cancelled"],
        what="the reminder cancelled",
    )

    clock.advance(hours=80)

    sink.wait_for(1)  # the needs-info e-mail itself, nothing after it
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)
    templates = [t for t, _ in statuses_of(notifier_db, family.school_id)]
    assert "needs_info_reminder" not in templates
