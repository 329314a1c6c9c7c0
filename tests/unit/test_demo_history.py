"""The demo's planned histories: steps in order, none after the history's end, and every
request still unanswered old enough for the dashboard's action rail."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from registrar.entrypoints.demo_history import (
    UNANSWERED_AT_LEAST,
    Action,
    Outcome,
    history_end,
    plan_steps,
    submission_moment,
)

END = datetime(2026, 12, 1, 5, 0)
NEW_YORK = ZoneInfo("America/New_York")


def _histories(count: int = 400):
    rng = random.Random("test")
    for number in range(count):
        outcome = list(Outcome)[number % len(Outcome)]
        submitted_at = submission_moment(rng, END, NEW_YORK)
        yield submitted_at, plan_steps(rng, outcome, submitted_at, END)


def test_the_history_ends_at_the_start_of_the_schools_day():
    now = datetime(2026, 12, 1, 22, 30, tzinfo=ZoneInfo("UTC"))

    assert history_end(now, NEW_YORK) == datetime(2026, 12, 1, 5, 0)


def test_steps_follow_the_submission_in_order_and_before_the_end():
    for submitted_at, steps in _histories():
        moments = [submitted_at, *(step.at for step in steps)]

        assert moments == sorted(moments)
        assert all(moment < END for moment in moments)


def test_a_request_left_unanswered_was_asked_long_enough_ago():
    for _submitted_at, steps in _histories():
        if steps and steps[-1].action == Action.ASK_FOR_INFO:
            assert END - steps[-1].at >= UNANSWERED_AT_LEAST


def test_the_same_seed_plans_the_same_history():
    assert list(_histories(50)) == list(_histories(50))


def test_an_enrolment_is_paid_for_before_it_is_converted():
    enrolled = [
        steps for _at, steps in _histories() if steps and steps[-1].action == Action.CONVERT
    ]

    assert enrolled
    for steps in enrolled:
        actions = [step.action for step in steps]
        assert (
            actions.index(Action.PLACE) < actions.index(Action.APPROVE) < actions.index(Action.PAY)
        )


def test_submissions_fall_in_the_day_at_a_family_hour():
    rng = random.Random(1)
    for _ in range(200):
        local = (
            (submission_moment(rng, END, NEW_YORK) + timedelta())
            .replace(tzinfo=ZoneInfo("UTC"))
            .astimezone(NEW_YORK)
        )
        assert 7 <= local.hour < 22
