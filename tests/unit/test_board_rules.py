"""The stage board's card flags and ages (registrar.domain.board), without a database."""

from datetime import date, datetime, time, timedelta

import pytest

from registrar.domain.board import (
    BOARD_STAGES,
    OVERDUE_AFTER,
    documents_missing,
    is_overdue,
    lead_age,
    placement_conflicts,
)
from registrar.domain.scheduling import (
    SCHEDULE_FULL,
    STUDENT_DOUBLE_BOOKED,
    TEACHER_DOUBLE_BOOKED,
    ClassSlot,
    Slot,
    StudentPlacement,
)
from shared.registration_status import STATUSES

NOW = datetime(2026, 3, 10, 12, 0)
TERM = (date(2026, 1, 5), date(2026, 6, 28))


def monday(start: str, end: str) -> Slot:
    return Slot(0, time.fromisoformat(start), time.fromisoformat(end), *TERM)


def test_the_board_has_a_column_for_every_status():
    assert sorted(BOARD_STAGES) == sorted(STATUSES)


@pytest.mark.parametrize("status", sorted(OVERDUE_AFTER))
def test_a_registration_waiting_longer_than_its_stage_allows_is_overdue(status):
    limit = OVERDUE_AFTER[status]

    assert not is_overdue(status, NOW - limit, NOW)
    assert is_overdue(status, NOW - limit - timedelta(minutes=1), NOW)


@pytest.mark.parametrize("status", ["converted", "rejected"])
def test_an_ended_registration_is_never_overdue(status):
    assert not is_overdue(status, NOW - timedelta(days=400), NOW)


def test_a_new_lead_is_not_expected_to_have_documents_yet():
    assert not documents_missing("pending", 0, [])


@pytest.mark.parametrize("status", ["in_review", "needs_info", "approved"])
def test_a_registration_under_way_without_documents_is_flagged(status):
    assert documents_missing(status, 0, [])
    assert not documents_missing(status, 1, [])


def test_a_family_asked_for_something_is_flagged_until_it_is_answered():
    assert documents_missing("needs_info", 3, ["Birth certificate"])


def test_a_class_within_its_capacity_is_no_conflict():
    piano = ClassSlot(1, teacher_id=7, slot=monday("16:00", "17:00"), capacity=2, taken=2)

    assert placement_conflicts(1, {1: piano}, []) == []


def test_a_class_over_its_capacity_is_a_conflict():
    piano = ClassSlot(1, teacher_id=7, slot=monday("16:00", "17:00"), capacity=2, taken=3)

    assert [c.kind for c in placement_conflicts(1, {1: piano}, [])] == [SCHEDULE_FULL]


def test_a_teacher_in_two_clashing_classes_with_students_is_a_conflict():
    piano = ClassSlot(1, teacher_id=7, slot=monday("16:00", "17:00"), capacity=5, taken=1)
    choir = ClassSlot(2, teacher_id=7, slot=monday("16:30", "17:30"), capacity=5, taken=1)

    found = placement_conflicts(1, {1: piano, 2: choir}, [])

    assert [(c.kind, c.schedule_id) for c in found] == [(TEACHER_DOUBLE_BOOKED, 2)]


def test_the_same_child_in_a_clashing_class_is_a_conflict():
    piano = ClassSlot(1, teacher_id=7, slot=monday("16:00", "17:00"), capacity=5, taken=1)
    chess = ClassSlot(2, teacher_id=8, slot=monday("16:30", "18:00"), capacity=5, taken=1)

    found = placement_conflicts(1, {1: piano, 2: chess}, [StudentPlacement(41, chess)])

    assert [(c.kind, c.registration_id) for c in found] == [(STUDENT_DOUBLE_BOOKED, 41)]


@pytest.mark.parametrize(
    "elapsed, words",
    [
        (timedelta(seconds=30), "just now"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=59), "59 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=23), "23 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=13), "13 days"),
        (timedelta(days=14), "2 weeks"),
        (timedelta(days=-1), "just now"),
    ],
)
def test_the_age_of_a_lead_in_words(elapsed, words):
    assert lead_age(NOW - elapsed, NOW) == words
