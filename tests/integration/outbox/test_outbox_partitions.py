"""The partition count, changed as docs/runbook.md says (stop the relays, change it, start
them): waiting events keep their order, the new count shares out, and the command refuses
while a relay runs or when the numbering and the leases disagree."""

from __future__ import annotations

import pytest

from outbox_relay.adapters import partition_store
from tests.support.outbox import (
    arrived_ids,
    first_arrival_order,
    insert_outbox_rows,
    interleaved_status_events,
    partitions_by_owner,
)
from tests.support.processes import run_edquill
from tests.support.waiting import wait_until

SHIPPED_PARTITIONS = 16


@pytest.fixture
def partition_count(relay_settings, registrar_db, clean_outbox):
    """Sets the count with the operators' command; the shipped count is back afterwards, as
    every other test expects it (set directly: the test's relays may not have stopped yet)."""

    def change(count: int):
        return run_edquill(relay_settings, "outbox", "partitions", "--set", str(count))

    yield change
    partition_store.repartition(registrar_db, SHIPPED_PARTITIONS)


def _numbering(connection) -> set[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT aggregate_id, partition_no FROM t_event_outbox")
        return {(row["aggregate_id"], row["partition_no"]) for row in cursor.fetchall()}


def _lease_rows(connection) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT partition_no FROM t_outbox_partition_lease ORDER BY partition_no")
        return [row["partition_no"] for row in cursor.fetchall()]


def test_waiting_events_move_to_the_new_partitions_and_go_out_in_order(
    registrar_db, selfreg_probe, relays, partition_count
):
    # A backlog waits while the relays are stopped: 300 registrations, 6 events each.
    event_ids = insert_outbox_rows(registrar_db, interleaved_status_events(range(1, 301), 6))

    changed = partition_count(4)

    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.strip() == "partitions: 4"
    assert _lease_rows(registrar_db) == [0, 1, 2, 3]
    assert _numbering(registrar_db) == {(aggregate, aggregate % 4) for aggregate in range(1, 301)}

    relays(), relays(), relays(), relays()
    wait_until(
        lambda: sorted(partitions_by_owner(registrar_db).values()) == [1, 1, 1, 1],
        timeout=60,
        what="four relays to take one partition each",
    )
    arrivals = selfreg_probe.collect(set(event_ids), timeout=60)

    assert set(event_ids) - arrived_ids(arrivals) == set()
    committed: dict[int, list[str]] = {}
    for row_event, aggregate in zip(event_ids, [a for _ in range(6) for a in range(1, 301)]):
        committed.setdefault(aggregate, []).append(row_event)
    assert first_arrival_order(arrivals) == committed


def test_the_count_is_refused_while_a_relay_runs(registrar_db, relays, partition_count):
    relays()
    wait_until(
        lambda: sum(partitions_by_owner(registrar_db).values()) == SHIPPED_PARTITIONS,
        timeout=60,
        what="the relay to lease every partition",
    )

    refused = partition_count(8)

    assert refused.returncode != 0
    assert "1 relays alive" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert _lease_rows(registrar_db) == list(range(SHIPPED_PARTITIONS))


@pytest.mark.parametrize("count", ["0", "256", "many"])
def test_a_count_out_of_range_is_refused_by_name(relay_settings, registrar_db, count):
    refused = run_edquill(relay_settings, "outbox", "partitions", "--set", count)

    assert refused.returncode == 2
    assert "--set" in refused.stderr
    assert len(_lease_rows(registrar_db)) == SHIPPED_PARTITIONS


def test_a_half_done_change_is_named_and_a_relay_will_not_start_on_it(
    relay_settings, registrar_db, relays, partition_count
):
    # As if the command died between the table's rewrite and the leases' replacement.
    with registrar_db.cursor() as cursor:
        cursor.execute("DELETE FROM t_outbox_partition_lease WHERE partition_no >= 8")

    shown = run_edquill(relay_settings, "outbox", "partitions")
    relay = relays()
    relay.process.wait(30)

    assert shown.returncode == 1
    assert "numbered for 16 partitions but 8 are leased" in shown.stderr
    assert relay.returncode != 0
    assert "finish `edquill outbox partitions --set N` first" in relay.output()
    assert partitions_by_owner(registrar_db) == {}
