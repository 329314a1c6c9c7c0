"""The family side's events at the KPI worker, delivered through RabbitMQ: the waitlist's and
the family's answer, each acknowledged once (its inbox; a second delivery is a duplicate),
moving no figure, and never dead-lettered."""

from __future__ import annotations

from datetime import date

from shared.events import Event
from tests.support.kpi import new_school_id, school_created, submitted, utc


def seat_event(school_id: int, event_type: str, **payload) -> Event:
    return Event.new(
        event_type,
        school_id,
        7,
        {"registration_id": 7, "schedule_id": 3, "offer_id": 11, **payload},
        occurred_at=utc(2026, 3, 2, 10),
    )


def test_seat_events_are_acknowledged_once_and_count_nothing(make_kpi_worker, kpi_tables):
    school_id = new_school_id()
    offered = seat_event(
        school_id,
        "selfreg.seat.offered",
        expires_at="2026-03-04T10:00:00.000000Z",
        guardian_email="family@example.com",
        language="en",
        **{"class": {"name": "Piano"}},
    )
    accepted = seat_event(school_id, "selfreg.seat.accepted")
    worker = make_kpi_worker()
    worker.publish(
        school_created(school_id),
        submitted(school_id, 7, utc(2026, 3, 1, 9)),
        offered,
        accepted,
        offered,
    )
    worker.start().wait_until_settled()

    assert kpi_tables.marketing(school_id)[date(2026, 3, 1)]["leads"] == 1
    assert date(2026, 3, 2) not in kpi_tables.marketing(school_id)
    assert worker.count("duplicate") == 1
    assert worker.count("dead_lettered") == 0


FAMILY = {"guardian_email": "family@example.com", "language": "en"}


def test_every_family_side_event_delivered_twice_counts_once_and_moves_nothing(
    make_kpi_worker, kpi_tables
):
    school_id = new_school_id()
    family_side = [
        seat_event(school_id, "selfreg.waitlisted", position=1, **FAMILY),
        seat_event(
            school_id,
            "selfreg.seat.offered",
            expires_at="2026-03-04T10:00:00.000000Z",
            guardian_email="family@example.com",
            language="en",
            **{"class": {"name": "Piano"}},
        ),
        seat_event(school_id, "selfreg.seat.declined"),
        seat_event(school_id, "selfreg.seat.expired", expires_at="2026-03-04T10:00:00.000000Z"),
        seat_event(school_id, "selfreg.seat.accepted"),
        seat_event(school_id, "selfreg.info.provided", document_ids=[5], answered=True, **FAMILY),
    ]
    worker = make_kpi_worker()
    worker.publish(
        school_created(school_id), submitted(school_id, 7, utc(2026, 3, 1, 9)), *family_side
    )
    worker.publish(*family_side)
    worker.start().wait_until_settled()

    assert kpi_tables.marketing(school_id)[date(2026, 3, 1)]["leads"] == 1
    assert date(2026, 3, 2) not in kpi_tables.marketing(school_id)
    assert worker.count("duplicate") == len(family_side)
    assert worker.count("dead_lettered") == 0
