"""The family's answer to a request for information (selfreg.info.provided), consumed by the
notifier with a clock the test moves: the needs-info reminder stops on the answer alone, and
nobody is written to about it, also when the answer is delivered twice, unless the school's
settings name a staff address: that address gets one e-mail per answer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from notifier.service_layer.notice_settings import change_notice_settings
from tests.integration.notifier.conftest import TEST_CONFIG
from tests.support.notifier import (
    Family,
    new_school_id,
    notifier_knows_school,
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


STAFF_ADDRESS = "admissions-desk@school.example"


def alert_the_staff(notifier_db, school_id: int, clock) -> None:
    defaults = TEST_CONFIG.default_preferences()
    wait_until(
        lambda: notifier_knows_school(notifier_db, school_id),
        what="the notifier to know the school",
    )
    change_notice_settings(
        notifier_db, school_id, replace(defaults, answer_alert_email=STAFF_ADDRESS), clock()
    )


def test_by_default_nobody_is_written_to_about_an_answer(
    start_worker, queues, sink, family, clock, notifier_db
):
    start_worker()
    queues.publish_event(family.needs_info(occurred_at=clock()))
    queues.publish_event(info_provided(family))
    sink.wait_for(1)  # the needs-info e-mail to the family
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)
    assert [m.rcpt_tos for m in sink.messages()] == [(family.email,)]


def test_a_school_that_names_a_staff_address_hears_of_each_answer_once(
    start_worker, queues, sink, family, clock, notifier_db, settings
):
    start_worker(settings_changes={"public_url": "https://school.example"})
    alert_the_staff(notifier_db, family.school_id, clock)
    queues.publish_event(family.needs_info(occurred_at=clock()))
    answer = info_provided(family)
    queues.publish_event(answer)
    queues.publish_event(answer)  # delivered again: still one e-mail

    sink.wait_for(2)
    assert stays_true(lambda: len(sink.messages()) == 2, 0.5)
    (stored,) = [m for m in sink.messages() if m.rcpt_tos == (STAFF_ADDRESS,)]
    alert = stored.parsed()
    text = alert.get_body(("plain",)).get_content()
    assert f"request for information on registration {family.registration_id}" in text
    assert "with a written answer and 1 document." in text
    workspace = f"https://school.example/admin/registrar?registration={family.registration_id}"
    assert workspace in text
    # The staff link grants nothing by itself: no family link, no signed token in the alert.
    assert "/family/" not in text and "edquill-link-" not in text
    html = alert.get_body(("html",)).get_content()
    assert f'href="{workspace}"' in html
