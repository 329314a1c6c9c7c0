"""The registration statuses and the event types, named once in shared/."""

from __future__ import annotations

import json

import pytest

from registrar.domain.lifecycle import InvalidTransition, plan_withdrawal
from shared.events import CATALOGUE, SCHOOL_EVENTS, EventType
from shared.registration_status import STATUSES, Status


def test_the_statuses_are_the_contracts_in_lifecycle_order():
    assert STATUSES == (
        "pending",
        "in_review",
        "needs_info",
        "approved",
        "rejected",
        "converted",
        "withdrawn",
    )


def test_a_status_is_the_plain_string_in_events_rows_and_json():
    assert Status.NEEDS_INFO == "needs_info"
    assert f"{Status.NEEDS_INFO}" == "needs_info"
    assert json.dumps({"to_status": Status.NEEDS_INFO}) == '{"to_status": "needs_info"}'
    assert {Status.APPROVED: 1}["approved"] == 1


def test_the_listed_statuses_are_plain_strings_for_the_api_documents():
    assert all(type(status) is str for status in STATUSES)


def test_every_event_type_is_in_the_catalogue_and_every_catalogued_type_is_named():
    named = {value for name, value in vars(EventType).items() if name.isupper()}
    assert named == set(CATALOGUE)
    assert SCHOOL_EVENTS == {"school.created", "school.updated"}


def test_a_family_may_withdraw_from_every_open_stage_only():
    for stage in ("pending", "in_review", "needs_info", "approved"):
        assert plan_withdrawal(stage, "  moved  ").note == "moved"
    for stage in ("converted", "rejected", "withdrawn"):
        with pytest.raises(InvalidTransition):
            plan_withdrawal(stage)
