"""Folding events into the figures, inside the consumer's transaction: school events into the
directory, every other event that moves a figure into one ledger entry and the daily rows.

    school events and snapshots -> directory  (first: a batch may bring a school and its
                                               events; one row per school, the newest)
    events -> ledger entries          (UnknownSchool: retried, the school event may be late)
    entries not in the ledger yet -> ledger, and their changes -> daily rows
    decisions timed now -> their days' lists of decision times, and those days' medians

A batch costs a fixed number of statements whatever the schools it spans (one per step, each
asking for every school's keys at once), not one per school or per event.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Iterable, Iterator, Sequence

from kpi.adapters import daily_figures_store, ledger_store, progress_store, school_store
from kpi.domain.figures import median_hours
from kpi.domain.folding import DayKey, fold, related_keys
from kpi.domain.ledger import (
    LedgerEntry,
    SchoolProfile,
    ledger_entry,
    moves_a_figure,
    newest_profiles,
    school_profile,
)
from shared.errors import DomainError, NotFound
from shared.events import SCHOOL_EVENTS, Event, school_event_from_snapshot
from shared.local_days import as_utc


class UnknownSchool(NotFound):
    """A school the directory does not know (yet): an event for it is retried, then
    dead-lettered; a rebuild of it is refused."""

    code = "unknown_school"

    def __init__(self, school_id: int):
        # Not NotFound's "... not found": the dead-letter reason reads "unknown school 42".
        DomainError.__init__(self, f"unknown school {school_id}")
        self.school_id = school_id


def fold_batch(cursor, consumer: str, events: Sequence[Event], now: datetime) -> list[float]:
    """Fold a batch of events in the consumer's transaction and record the worker's progress;
    return each event's lag (seconds from its commit at the source to now, never below 0)."""
    entries = fold_events(cursor, events)
    lags = [max((now - as_utc(event.occurred_at)).total_seconds(), 0.0) for event in events]
    progress_store.record_fold(
        cursor, consumer, len(events), len(entries), now.replace(tzinfo=None), max(lags)
    )
    return lags


def fold_events(cursor, events: Sequence[Event]) -> list[LedgerEntry]:
    """Fold `events` (each seen for the first time) and return the ledger entries written."""
    school_store.record_profiles(cursor, newest_profiles(_school_profiles(events)))
    moving = [event for event in events if moves_a_figure(event)]
    if not moving:
        return []
    schools = school_store.schools_by_id(cursor, {event.school_id for event in moving})
    entries = []
    for event in moving:
        if event.school_id not in schools:
            raise UnknownSchool(event.school_id)
        entries.append(ledger_entry(event, schools[event.school_id]))
    # The inbox already keeps an event from being folded twice; the ledger's own unique
    # event id is the second guard, for an event that reaches the ledger another way.
    folded = ledger_store.already_in_ledger(cursor, [entry.event_id for entry in entries])
    entries = [entry for entry in entries if entry.event_id not in folded]
    earlier = ledger_store.related_entries(cursor, *related_keys(entries))
    timed = ledger_store.add_entries(cursor, entries)
    changes = fold(entries, earlier)
    daily_figures_store.apply_changes(cursor, changes)
    # Only the days that gained a decision time have a new median (changes.median_days are
    # the days that may: a decision whose submission is still to come moves nothing yet).
    durations = daily_figures_store.add_decision_times(cursor, times_by_day(timed))
    daily_figures_store.set_medians(
        cursor, {key: median_hours(values) for key, values in durations.items()}
    )
    return entries


def times_by_day(timed: Iterable[ledger_store.TimedDecision]) -> dict[DayKey, list[int]]:
    by_day: dict[DayKey, list[int]] = defaultdict(list)
    for decision in timed:
        by_day[(decision.school_id, decision.day)].append(decision.decision_us)
    return dict(by_day)


def _school_profiles(events: Sequence[Event]) -> Iterator[SchoolProfile]:
    """What each event says of its school: a school event itself, or the snapshot every
    registration and invoice event carries."""
    for event in events:
        school_event = (
            event if event.event_type in SCHOOL_EVENTS else school_event_from_snapshot(event)
        )
        if school_event is not None:
            yield school_profile(school_event)
