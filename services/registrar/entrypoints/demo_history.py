"""The demo's story of one registration: what happens to it, and when, planned before anything
is written (demo_replay then makes it happen through the use cases, each at its moment).

A registration is submitted some time in the past weeks and headed for an outcome (enrolled,
approved and waiting to pay, turned down, withdrawn by the family, still being looked at...).
Its steps follow each other with the delays a school really takes. The history ends where the
school's today begins: a step that would fall later has not happened yet, so recent families
are still early in their story, as at a real school, and the same seed tells the same story
whatever the hour it runs. Pure planning: moments in (naive UTC), steps out, chance from the
caller's seeded random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo
from enum import Enum


class Action(str, Enum):
    REVIEW = "review"
    ASK_FOR_INFO = "ask_for_info"
    INFO_RECEIVED = "info_received"
    PLACE = "place"
    APPROVE = "approve"
    PAY = "pay"
    CONVERT = "convert"
    REJECT = "reject"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Step:
    action: Action
    at: datetime


class Outcome(str, Enum):
    """Where a registration's story is headed (it may not get there before now)."""

    NEW = "new"
    IN_REVIEW = "in_review"
    WAITING_ON_FAMILY = "waiting_on_family"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    INVOICED = "invoiced"
    PAID = "paid"
    ENROLLED = "enrolled"


OUTCOME_WEIGHTS = {
    Outcome.NEW: 8,
    Outcome.IN_REVIEW: 10,
    Outcome.WAITING_ON_FAMILY: 10,
    # Of the families who do not get in, three in ten withdraw before the school decides.
    # (WITHDRAWN follows REJECTED, so together they take REJECTED's old share of the draw and
    # every other outcome keeps its own.)
    Outcome.REJECTED: 7,
    Outcome.WITHDRAWN: 3,
    Outcome.INVOICED: 12,
    Outcome.PAID: 10,
    Outcome.ENROLLED: 40,
}

# The history the demo tells: eight weeks, enough for a month's dashboard and the month
# before it to compare with.
HISTORY_DAYS = 56
# One in four of the families who get in were first asked for a missing document.
ASKED_FIRST_SHARE = 0.25
# A request still unanswered was asked at least this long ago: longer than the dashboard's
# default wait target (72 hours), so every family the school waits on is on the action rail.
UNANSWERED_AT_LEAST = timedelta(days=4)

# How long before each step, after the one before it (or the submission), in hours: the
# shortest and the longest a school or a family takes.
_HOURS_BEFORE = {
    Action.REVIEW: (2, 72),
    Action.ASK_FOR_INFO: (2, 48),
    Action.INFO_RECEIVED: (24, 120),
    Action.PLACE: (1, 48),
    Action.APPROVE: (0.1, 1),
    Action.PAY: (24, 216),
    Action.CONVERT: (24, 144),
    Action.REJECT: (24, 96),
    Action.WITHDRAW: (24, 96),
}


def pick_outcome(rng: random.Random) -> Outcome:
    return rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]


def history_end(now: datetime, zone: tzinfo) -> datetime:
    """Where the history stops: the start of the school's today, in naive UTC."""
    local_midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return _naive_utc(local_midnight)


def submission_moment(
    rng: random.Random, end: datetime, zone: tzinfo, at_least_days_ago: int = 1
) -> datetime:
    """A day of the history, at the local time of day a family fills in a form."""
    local_end = end.replace(tzinfo=timezone.utc).astimezone(zone)
    day = (local_end - timedelta(days=rng.randrange(at_least_days_ago, HISTORY_DAYS))).date()
    wall_clock = time(rng.randrange(7, 22), rng.randrange(60))
    return _naive_utc(datetime.combine(day, wall_clock, tzinfo=zone))


def plan_steps(rng: random.Random, outcome: Outcome, submitted_at: datetime, end: datetime):
    """The steps toward `outcome` that happened before `end`, in order."""
    steps, at = [], submitted_at
    for action in _actions_toward(rng, outcome):
        shortest, longest = _HOURS_BEFORE[action]
        at += timedelta(hours=rng.uniform(shortest, longest))
        if at >= end:
            break
        steps.append(Step(action, at))
    if (
        steps
        and steps[-1].action == Action.ASK_FOR_INFO
        and end - steps[-1].at < UNANSWERED_AT_LEAST
    ):
        steps.pop()
    return steps


def _actions_toward(rng: random.Random, outcome: Outcome) -> list[Action]:
    if outcome == Outcome.NEW:
        return []
    if outcome == Outcome.IN_REVIEW:
        return [Action.REVIEW]
    if outcome == Outcome.WAITING_ON_FAMILY:
        return [Action.REVIEW, Action.ASK_FOR_INFO]
    if outcome == Outcome.REJECTED:
        return [Action.REVIEW, Action.REJECT]
    if outcome == Outcome.WITHDRAWN:
        return [Action.REVIEW, Action.WITHDRAW]
    asked = [Action.ASK_FOR_INFO, Action.INFO_RECEIVED] if rng.random() < ASKED_FIRST_SHARE else []
    accepted = [Action.REVIEW, *asked, Action.PLACE, Action.APPROVE]
    if outcome == Outcome.INVOICED:
        return accepted
    if outcome == Outcome.PAID:
        return [*accepted, Action.PAY]
    return [*accepted, Action.PAY, Action.CONVERT]


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
