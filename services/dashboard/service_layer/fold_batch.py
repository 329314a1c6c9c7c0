"""A batch of events into the dashboard's tables in the consumer's one transaction, with a few
statements for the whole batch where folding them one by one (service_layer.fold) takes
several per event, and the same tables afterwards:

- each school's newest snapshot in the batch (from school events and the snapshots the other
  events carry) is written once, first, and the batch's schools' time zones are read at once;
- the batch's registrations are locked in one statement (in key order, so two workers' batches
  lock them alike), each event is applied to its registration's state in memory in delivery
  order (registration_state.apply), and the states that changed are written in one statement;
- the status moves are summed per school, status and day and written as one upsert per table;
- invoice and seat offer events, few beside the others, are folded one by one as before.

A school whose time zone changes within a batch has the batch's moves counted on the days of
its newer zone; one by one, the events before the change would use the older one.
"""

from __future__ import annotations

from collections import Counter

from dashboard.adapters import registration_store, school_store
from dashboard.domain import registration_state
from dashboard.domain.registration_state import RegistrationState
from dashboard.service_layer.fold import (
    OTHER_FOLDS,
    REGISTRATION_EVENTS,
    SEAT_OFFER_FOLDS,
    observation_of,
    registration_id_of,
    school_day,
)
from shared.events import SCHOOL_EVENTS, Event, school_event_from_snapshot


def fold_batch(cursor, events: list[Event], invoice_due_days: int) -> None:
    """One consumer batch, in delivery order, in the caller's transaction; any error leaves
    the caller to roll back (the consumer then folds the events one by one)."""
    _record_newest_schools(cursor, events)
    _fold_registrations(cursor, [e for e in events if e.event_type in REGISTRATION_EVENTS])
    for event in events:
        if event.event_type in SCHOOL_EVENTS:
            continue  # written with the snapshots above
        fold = OTHER_FOLDS.get(event.event_type)
        if fold is not None:
            fold(cursor, event, invoice_due_days)
        offer_fold = SEAT_OFFER_FOLDS.get(event.event_type)
        if offer_fold is not None:
            offer_fold(cursor, event, invoice_due_days)


def _record_newest_schools(cursor, events: list[Event]) -> None:
    # The store keeps the news with the latest occurred_at (the last one of equals): writing
    # only each school's newest leaves the row as writing them all in order would.
    newest: dict[int, Event] = {}
    for event in events:
        news = event if event.event_type in SCHOOL_EVENTS else school_event_from_snapshot(event)
        if news is None:
            continue
        school_id = int(news.payload["school_id"])
        kept = newest.get(school_id)
        if kept is None or news.occurred_at >= kept.occurred_at:
            newest[school_id] = news
    for school_id in sorted(newest):
        school_store.record_school(cursor, newest[school_id])


def _fold_registrations(cursor, events: list[Event]) -> None:
    keys = [(event.school_id, registration_id_of(event)) for event in events]
    stored = registration_store.lock_states(cursor, keys)
    zones = school_store.school_timezones(cursor, {event.school_id for event in events})
    states: dict[tuple[int, int], RegistrationState | None] = dict(stored)
    moves: Counter = Counter()  # (school_id, status, day) -> net change
    for key, event in zip(keys, events):
        applied = registration_state.apply(states.get(key), observation_of(event))
        states[key] = applied.state
        if applied.moved is not None:
            left, entered = applied.moved
            day = school_day(zones.get(event.school_id), event)
            moves[(event.school_id, entered, day)] += 1
            if left is not None:
                moves[(event.school_id, left, day)] -= 1
    changed = {key: state for key, state in states.items() if state != stored.get(key)}
    registration_store.save_states(cursor, changed)
    registration_store.record_moves(cursor, moves)
