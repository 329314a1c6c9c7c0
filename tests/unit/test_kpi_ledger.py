"""Which event moves which figure, on which local day, and which events are refused."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from kpi.domain.ledger import (
    CurrencyMismatch,
    Kind,
    School,
    SchoolProfile,
    lead_source,
    ledger_entry,
    moves_a_figure,
    newest_profiles,
    school_profile,
)
from shared.events import Event, MalformedEvent

NEW_YORK_SCHOOL = School(7, "America/New_York", "USD")


def event(
    event_type: str, payload: dict, *, occurred_at=datetime(2025, 11, 13, 15, 0), school_id: int = 7
) -> Event:
    return Event.new(
        event_type,
        school_id,
        payload.get("registration_id", 1),
        payload,
        occurred_at=occurred_at.replace(tzinfo=timezone.utc),
    )


def submitted(submitted_at: str | None = "2025-11-13T04:59:59.000000Z", **extra) -> Event:
    payload = {"registration_id": 11, "status": "pending", **extra}
    if submitted_at is not None:
        payload["submitted_at"] = submitted_at
    return event("selfreg.submitted", payload)


def invoice(event_type: str, amount_minor=18_000, currency="USD") -> Event:
    return event(
        event_type,
        {
            "registration_id": 11,
            "invoice_id": 5,
            "amount_minor": amount_minor,
            "currency": currency,
        },
    )


def test_a_submission_is_a_lead_on_the_local_day_of_its_submission_time():
    entry = ledger_entry(submitted(), NEW_YORK_SCHOOL)

    assert (entry.kind, entry.day) == (Kind.LEAD, date(2025, 11, 12))
    assert entry.occurred_at == datetime(2025, 11, 13, 4, 59, 59)


def test_a_submission_without_its_time_is_placed_by_the_envelope():
    entry = ledger_entry(submitted(None), NEW_YORK_SCHOOL)

    assert entry.day == date(2025, 11, 13)


def test_a_leads_source_is_folded_to_one_spelling():
    assert ledger_entry(submitted(source="  Web "), NEW_YORK_SCHOOL).source == "web"
    assert lead_source(None) == lead_source("  ") == "unspecified"


@pytest.mark.parametrize(
    "to_status, kind",
    [
        ("in_review", Kind.REVIEW),
        ("needs_info", Kind.INFO_REQUEST),
        ("approved", Kind.APPROVAL),
        ("rejected", Kind.REJECTION),
    ],
)
def test_a_status_change_counts_for_its_new_status(to_status, kind):
    change = event(
        "selfreg.status.updated",
        {"registration_id": 11, "from_status": "pending", "to_status": to_status},
    )

    assert ledger_entry(change, NEW_YORK_SCHOOL).kind is kind


def test_a_move_to_converted_is_counted_from_the_converted_event_only():
    change = event(
        "selfreg.status.updated",
        {"registration_id": 11, "from_status": "approved", "to_status": "converted"},
    )
    converted = event("selfreg.converted", {"registration_id": 11, "student_id": 3})

    assert not moves_a_figure(change)
    assert ledger_entry(converted, NEW_YORK_SCHOOL).kind is Kind.ENROLLMENT


def test_events_that_move_no_figure_are_recognised():
    assert not moves_a_figure(
        event("selfreg.class.assigned", {"registration_id": 11, "schedule_id": 1, "teacher_id": 1})
    )


def test_an_invoice_carries_its_amount_and_currency():
    entry = ledger_entry(invoice("invoice.issued"), NEW_YORK_SCHOOL)

    assert (entry.kind, entry.invoice_id, entry.amount_minor, entry.currency) == (
        Kind.INVOICED,
        5,
        18_000,
        "USD",
    )


def test_a_negative_amount_is_refused_as_malformed():
    with pytest.raises(MalformedEvent, match="amount_minor must not be negative"):
        ledger_entry(invoice("invoice.paid", amount_minor=-500), NEW_YORK_SCHOOL)


def test_an_amount_that_is_not_whole_minor_units_is_refused_as_malformed():
    with pytest.raises(MalformedEvent, match="integer in minor units"):
        ledger_entry(invoice("invoice.issued", amount_minor=12.5), NEW_YORK_SCHOOL)


def test_a_malformed_date_is_refused_as_malformed():
    with pytest.raises(MalformedEvent, match="submitted_at '2025-13-45T99:00:00Z' is not"):
        ledger_entry(submitted("2025-13-45T99:00:00Z"), NEW_YORK_SCHOOL)


def test_an_amount_in_another_currency_than_the_schools_is_a_mismatch_to_retry():
    with pytest.raises(CurrencyMismatch, match="bills in USD"):
        ledger_entry(invoice("invoice.issued", currency="EUR"), NEW_YORK_SCHOOL)


def test_an_autopay_enrolment_naming_another_school_is_refused():
    enrolled = event(
        "invoice.autopay.enrolled", {"registration_id": 11, "invoice_id": 5, "school_id": 8}
    )

    with pytest.raises(MalformedEvent, match="not the envelope's 7"):
        ledger_entry(enrolled, NEW_YORK_SCHOOL)


def school_event(**payload) -> Event:
    body = {
        "school_id": 7,
        "name": "Hill School",
        "slug": "hill",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        **payload,
    }
    return Event.new("school.updated", 7, 7, body, aggregate_type="school")


def test_a_school_event_gives_the_directory_its_time_zone_and_currency():
    profile = school_profile(school_event())

    assert (profile.school_id, profile.timezone, profile.currency) == (7, "Europe/Paris", "EUR")


def test_a_school_event_with_an_unknown_time_zone_is_refused():
    with pytest.raises(MalformedEvent, match="timezone"):
        school_profile(school_event(timezone="Europe/Atlantis"))


def profile(school_id: int, name: str, changed_at: datetime) -> SchoolProfile:
    return SchoolProfile(school_id, name, f"s{school_id}", "UTC", "USD", changed_at)


def test_a_batch_writes_each_school_once_with_its_newest_profile():
    older, newer = datetime(2025, 11, 1), datetime(2025, 11, 2)
    profiles = [profile(2, "new", newer), profile(1, "one", older), profile(2, "old", older)]

    assert newest_profiles(profiles) == [profile(1, "one", older), profile(2, "new", newer)]


def test_of_two_profiles_of_one_moment_the_later_one_wins_as_applied_in_turn():
    at = datetime(2025, 11, 1)

    assert newest_profiles([profile(3, "first", at), profile(3, "second", at)]) == [
        profile(3, "second", at)
    ]
