"""The relay's pure rules: which rows go into a batch, which wait behind a dead event, retry
delays, partition shares."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from outbox_relay.domain.ordering import (
    FIRST_RETRY_DELAY,
    MAX_RETRY_DELAY,
    OutboxRow,
    fair_share,
    held_behind_dead,
    publishable,
    retry_delay,
)

NOW = datetime(2026, 11, 25, 12, 0, 0)


def row(
    id: int,
    aggregate_id: int,
    *,
    aggregate_type: str = "self_registration",
    next_attempt_at: datetime | None = None,
    attempts: int = 0,
) -> OutboxRow:
    return OutboxRow(
        id=id,
        event_id=f"event-{id}",
        event_type="selfreg.status.updated",
        school_id=1,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        payload={},
        created_at=NOW - timedelta(minutes=1),
        attempts=attempts,
        next_attempt_at=next_attempt_at,
    )


def ids(rows) -> list[int]:
    return [r.id for r in rows]


# -- publishable ----------------------------------------------------------------------------


def test_publishable_takes_at_most_one_row_per_aggregate_the_earliest():
    head = [
        row(1, aggregate_id=7),
        row(2, aggregate_id=7),
        row(3, aggregate_id=8),
        row(4, aggregate_id=8),
        row(5, aggregate_id=7),
    ]

    assert ids(publishable(head, NOW, limit=100)) == [1, 3]


def test_publishable_returns_rows_in_id_order_whatever_order_they_come_in():
    head = [
        row(9, aggregate_id=3),
        row(2, aggregate_id=1),
        row(5, aggregate_id=2),
        row(4, aggregate_id=1),
    ]

    assert ids(publishable(head, NOW, limit=100)) == [2, 5, 9]


def test_a_row_waiting_out_its_retry_delay_holds_back_the_later_rows_of_its_aggregate():
    head = [
        row(1, aggregate_id=7, next_attempt_at=NOW + timedelta(seconds=1)),
        row(2, aggregate_id=7),
        row(3, aggregate_id=7),
    ]

    assert publishable(head, NOW, limit=100) == []


def test_a_row_waiting_out_its_retry_delay_does_not_hold_back_other_aggregates():
    head = [
        row(1, aggregate_id=7, next_attempt_at=NOW + timedelta(seconds=1)),
        row(2, aggregate_id=8),
        row(3, aggregate_id=7),
        row(4, aggregate_id=9),
    ]

    assert ids(publishable(head, NOW, limit=100)) == [2, 4]


def test_a_row_whose_retry_time_has_come_is_published_again():
    head = [row(1, aggregate_id=7, next_attempt_at=NOW, attempts=1), row(2, aggregate_id=7)]

    assert ids(publishable(head, NOW, limit=100)) == [1]


def test_aggregates_of_different_types_with_the_same_id_are_distinct():
    head = [row(1, aggregate_id=7), row(2, aggregate_id=7, aggregate_type="invoice")]

    assert ids(publishable(head, NOW, limit=100)) == [1, 2]


def test_publishable_stops_at_the_limit_keeping_the_earliest_rows():
    head = [row(id, aggregate_id=id) for id in range(10, 0, -1)]

    assert ids(publishable(head, NOW, limit=3)) == [1, 2, 3]


def test_rows_skipped_as_later_events_of_an_aggregate_do_not_count_against_the_limit():
    head = [
        row(1, aggregate_id=7),
        row(2, aggregate_id=7),
        row(3, aggregate_id=7),
        row(4, aggregate_id=8),
    ]

    assert ids(publishable(head, NOW, limit=2)) == [1, 4]


def test_publishable_of_an_empty_head_is_empty():
    assert publishable([], NOW, limit=10) == []


# -- held_behind_dead ------------------------------------------------------------------------


def test_the_events_after_a_dead_event_of_their_aggregate_are_held():
    head = [row(5, aggregate_id=7), row(6, aggregate_id=8), row(9, aggregate_id=7)]

    free, held = held_behind_dead(head, {("self_registration", 7): 3})

    assert (ids(free), ids(held)) == ([6], [5, 9])


def test_with_no_dead_event_nothing_is_held():
    head = [row(1, aggregate_id=7), row(2, aggregate_id=8)]

    free, held = held_behind_dead(head, {})

    assert (ids(free), held) == ([1, 2], [])


def test_an_event_older_than_its_aggregates_dead_event_is_not_held():
    # After a replay or skip of an earlier event, what came before a later dead one may go.
    head = [row(4, aggregate_id=7), row(12, aggregate_id=7)]

    free, held = held_behind_dead(head, {("self_registration", 7): 10})

    assert (ids(free), ids(held)) == ([4], [12])


def test_a_dead_event_holds_only_its_own_aggregate_type():
    head = [row(5, aggregate_id=7, aggregate_type="invoice"), row(6, aggregate_id=7)]

    free, held = held_behind_dead(head, {("invoice", 7): 1})

    assert (ids(free), ids(held)) == ([6], [5])


# -- retry_delay ----------------------------------------------------------------------------


def test_the_first_retry_waits_the_first_retry_delay():
    assert retry_delay(1) == FIRST_RETRY_DELAY


def test_each_further_failure_doubles_the_retry_delay():
    delays = [retry_delay(attempts) for attempts in range(1, 6)]

    assert delays == [FIRST_RETRY_DELAY * 2**n for n in range(5)]


def test_the_retry_delay_stops_growing_at_its_cap():
    capped = [retry_delay(attempts) for attempts in (10, 11, 20)]

    assert capped == [MAX_RETRY_DELAY] * 3
    assert retry_delay(6) < MAX_RETRY_DELAY


@pytest.mark.parametrize("attempts", [60, 99, 10_000])
def test_the_retry_delay_stays_at_its_cap_for_any_number_of_attempts(attempts):
    # --max-attempts allows up to 100; the delay must not overflow on the way there.
    assert retry_delay(attempts) == MAX_RETRY_DELAY


# -- fair_share -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relays, share", [(1, 16), (2, 8), (3, 6), (4, 4), (5, 4), (16, 1), (40, 1)]
)
def test_fair_share_splits_the_partitions_rounding_up(relays, share):
    assert fair_share(16, relays) == share


def test_fair_shares_together_cover_every_partition():
    for relays in range(1, 20):
        assert fair_share(16, relays) * relays >= 16


def test_fair_share_with_no_live_relay_counted_yet_is_every_partition():
    assert fair_share(16, 0) == 16
