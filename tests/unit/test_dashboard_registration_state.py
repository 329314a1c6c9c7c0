"""A registration's state from its events, whatever order they come in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import permutations

from dashboard.domain.registration_state import Observation, apply, student_name

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


SUBMITTED = Observation(
    at(0), "pending", since=at(-1), student_name="Ada Lovelace", submitted_at=at(-1)
)
REVIEWED = Observation(at(1), "in_review")
NEEDS_INFO = Observation(at(2), "needs_info", student_name="Ada King")


def fold(*observations):
    state, moves = None, []
    for seen in observations:
        applied = apply(state, seen)
        state = applied.state
        if applied.moved:
            moves.append(applied.moved)
    return state, moves


def test_a_submission_starts_pending_since_its_submission_time():
    state, moves = fold(SUBMITTED)

    assert (state.status, state.status_since, state.submitted_at) == ("pending", at(-1), at(-1))
    assert moves == [(None, "pending")]


def test_a_status_change_moves_the_registration_and_its_since():
    state, moves = fold(SUBMITTED, REVIEWED)

    assert (state.status, state.status_since) == ("in_review", at(1))
    assert moves == [(None, "pending"), ("pending", "in_review")]


def test_an_older_event_never_overwrites_a_newer_status():
    state, moves = fold(NEEDS_INFO, REVIEWED, SUBMITTED)

    assert (state.status, state.status_since) == ("needs_info", at(2))
    assert moves == [(None, "needs_info")]


def test_every_order_ends_in_the_same_state_with_one_registration_counted():
    expected, _ = fold(SUBMITTED, REVIEWED, NEEDS_INFO)
    for order in permutations((SUBMITTED, REVIEWED, NEEDS_INFO)):
        state, moves = fold(*order)
        net: dict[str, int] = {}
        for left, entered in moves:
            net[entered] = net.get(entered, 0) + 1
            if left:
                net[left] = net.get(left, 0) - 1
        assert state == expected, order
        assert {status: n for status, n in net.items() if n} == {"needs_info": 1}, order


def test_the_newest_name_wins_and_the_earliest_submission_time_is_kept():
    state, _ = fold(NEEDS_INFO, SUBMITTED)

    assert state.student_name == "Ada King"
    assert state.submitted_at == at(-1)


def test_the_same_status_again_keeps_when_it_was_entered():
    converted = Observation(at(5), "converted")
    state, moves = fold(SUBMITTED, converted, Observation(at(5), "converted"))

    assert (state.status, state.status_since) == ("converted", at(5))
    assert moves == [(None, "pending"), ("pending", "converted")]


def test_a_duplicate_event_changes_nothing():
    once, _ = fold(SUBMITTED, REVIEWED)
    twice, moves = fold(SUBMITTED, REVIEWED, REVIEWED)

    assert twice == once
    assert len(moves) == 2


def test_a_student_name_joins_first_and_last_and_skips_blanks():
    assert student_name("Ada", "Lovelace") == "Ada Lovelace"
    assert student_name(None, "Lovelace") == "Lovelace"
    assert student_name("", None) is None


def test_a_withdrawal_is_a_move_like_any_other():
    state, moves = fold(SUBMITTED, REVIEWED, Observation(at(3), "withdrawn"))

    assert (state.status, state.status_since) == ("withdrawn", at(3))
    assert moves[-1] == ("in_review", "withdrawn")
