"""What the dashboard knows of one registration, and how an event changes it, in any order.

The state is the registration's current status with the time it entered it, the student's
name, and when it was submitted. Events of a registration normally arrive in commit order,
but a redelivery or a replay may bring an older one late: an observation older than what set
the status (or the name) leaves it alone, so the newest event always wins. A status change is
reported as (left, entered), for the per-day status counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

# Longest status name the table holds.
MAX_STATUS_LENGTH = 16
# Longest student name the tables hold (student_name VARCHAR(201): a first and a last name
# of 100 each, and the space between).
MAX_STUDENT_NAME_LENGTH = 201


@dataclass(frozen=True)
class RegistrationState:
    status: str | None = None
    status_since: datetime | None = None
    # When the event that set the status happened: only a newer one may change it.
    status_event_at: datetime | None = None
    student_name: str | None = None
    name_event_at: datetime | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Observation:
    """What one event says about a registration; `at` is the event's occurred_at."""

    at: datetime
    status: str | None = None
    # When the registration entered `status` (the submission time for a submission).
    since: datetime | None = None
    student_name: str | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Applied:
    state: RegistrationState
    # (status left or None, status entered) when the status changed, else None.
    moved: tuple[str | None, str] | None = None


def apply(state: RegistrationState | None, seen: Observation) -> Applied:
    """The state after `seen`, whatever order events come in."""
    state = state or RegistrationState()
    moved = None
    if seen.status is not None and _is_newer(seen.at, state.status_event_at):
        if seen.status != state.status:
            moved = (state.status, seen.status)
            state = replace(
                state,
                status=seen.status,
                status_since=seen.since or seen.at,
                status_event_at=seen.at,
            )
        else:
            # The same status again (a converted event after its status change): it was
            # entered at the earlier time.
            state = replace(state, status_event_at=seen.at)
    if seen.student_name and _is_newer(seen.at, state.name_event_at):
        state = replace(state, student_name=seen.student_name, name_event_at=seen.at)
    if seen.submitted_at is not None and (
        state.submitted_at is None or seen.submitted_at < state.submitted_at
    ):
        state = replace(state, submitted_at=seen.submitted_at)
    return Applied(state, moved)


def student_name(first: object, last: object) -> str | None:
    """ "First Last" from an event's payload, None when it carries neither."""
    parts = [str(part).strip() for part in (first, last) if part not in (None, "")]
    name = " ".join(part for part in parts if part)
    return name[:MAX_STUDENT_NAME_LENGTH] or None


def _is_newer(at: datetime, recorded: datetime | None) -> bool:
    # Equal times: two events of one statement (a status change and its conversion) carry the
    # same instant; they arrive in commit order, so the later arrival wins.
    return recorded is None or at >= recorded
