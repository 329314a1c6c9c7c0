"""The outbox relay against the real MariaDB and RabbitMQ: what gets delivered, in what order,
by how many relays, and what happens to events no consumer could use."""

from __future__ import annotations

import signal
import urllib.request
import uuid
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from devtools.ports import free_port
from tests.support.factories import create_registration, set_status
from tests.support.outbox import (
    STATUS_UPDATED,
    arrived_ids,
    count_rows,
    create_registrations,
    event_ids_by_aggregate,
    first_arrival_order,
    insert_outbox_rows,
    interleaved_status_events,
    leased_partitions,
    outbox_row,
    partitions_by_owner,
    partitions_of,
    pause_holding_a_claimed_batch,
    registered_relays,
    relay_owner_prefix,
    set_school_status,
    stored_event,
)
from tests.support.processes import run_edquill
from tests.support.waiting import wait_until

INVOICE_ISSUED = "invoice.issued"
INVOICE_PAYLOAD = {"registration_id": 1, "invoice_id": 9, "amount_minor": 12500, "currency": "USD"}


def test_plain_sql_status_update_reaches_a_selfreg_queue_with_the_contract_envelope(
    registrar_db, selfreg_probe, relays, school_id
):
    relays()
    registration_id = create_registration(registrar_db, school_id)
    set_status(registrar_db, registration_id, "in_review")

    (submitted_props, submitted), (updated_props, updated) = selfreg_probe.take(2)

    assert submitted["event_type"] == "selfreg.submitted"
    assert updated["event_type"] == "selfreg.status.updated"
    assert updated_props.message_id == updated["event_id"]
    assert updated_props.delivery_mode == 2
    assert uuid.UUID(updated["event_id"])
    assert updated["school_id"] == school_id
    assert updated["aggregate_type"] == "self_registration"
    assert updated["aggregate_id"] == registration_id
    assert updated["occurred_at"].endswith("Z")
    assert updated["payload"]["registration_id"] == registration_id
    assert updated["payload"]["from_status"] == "pending"
    assert updated["payload"]["to_status"] == "in_review"


# -- many events, several relays ------------------------------------------------------------


def test_two_relays_deliver_10000_events_none_lost_each_registration_in_commit_order(
    registrar_db, selfreg_probe, relays, school_id
):
    first, second = relays(), relays()
    wait_until(
        lambda: sorted(partitions_by_owner(registrar_db).values()) == [8, 8],
        what="the two relays to share the partitions",
    )

    # 2,000 registrations, each submitted and then moved four times: five events apiece,
    # committed a round at a time while the relays are publishing.
    create_registrations(registrar_db, school_id, 2000)
    for status in ("in_review", "needs_info", "in_review", "approved"):
        set_school_status(registrar_db, school_id, status)
    committed = event_ids_by_aggregate(registrar_db)
    every_event = {event_id for events in committed.values() for event_id in events}
    assert len(every_event) == 10_000

    arrivals = selfreg_probe.collect(every_event, timeout=60)

    assert every_event - arrived_ids(arrivals) == set()
    assert first_arrival_order(arrivals) == committed
    assert _rows_published_by(registrar_db, first.pid) > 0
    assert _rows_published_by(registrar_db, second.pid) > 0


def _rows_published_by(connection, pid: int) -> int:
    # The claim's relay id stays on a row once it is processed.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS n FROM t_event_outbox "
            "WHERE processed_at IS NOT NULL AND claimed_by LIKE %s",
            (relay_owner_prefix(pid) + "%",),
        )
        return cursor.fetchone()["n"]


def test_a_second_relay_gets_half_of_the_partitions_within_seconds(registrar_db, relays):
    first = relays()
    wait_until(
        lambda: partitions_of(registrar_db, first.pid) == 16,
        what="the first relay to own every partition",
    )

    second = relays()

    wait_until(
        lambda: (
            (partitions_of(registrar_db, first.pid), partitions_of(registrar_db, second.pid))
            == (8, 8)
        ),
        timeout=10,
        what="an 8/8 split",
    )


# -- stopping ---------------------------------------------------------------------------------


def test_sigterm_mid_batch_exits_0_leaving_no_claims_and_every_partition_free(
    registrar_db, selfreg_probe, relays
):
    insert_outbox_rows(registrar_db, interleaved_status_events(range(1, 501), 10))
    relay = relays("--batch-size", "100")
    pause_holding_a_claimed_batch(relay, registrar_db)

    relay.send_signal(signal.SIGTERM)
    relay.send_signal(signal.SIGCONT)
    relay.process.wait(timeout=30)

    assert relay.returncode == 0, relay.output()
    assert count_rows(registrar_db, "claimed") == 0
    assert leased_partitions(registrar_db) == 0
    assert registered_relays(registrar_db) == 0
    assert count_rows(registrar_db, "unprocessed") > 0  # it stopped with work left, mid-stream


# -- events no retry can help ------------------------------------------------------------------

POISON_ROWS = {
    "payload is a JSON array": (dict(payload=[1, 2, 3]), "payload must be a JSON object"),
    "payload lacks required fields": (
        dict(payload={"registration_id": 100}),
        "selfreg.status.updated payload lacks from_status, to_status",
    ),
    "unknown event type": (
        dict(event_type="selfreg.teleported"),
        "unknown event type 'selfreg.teleported'",
    ),
    "event id that is not a UUID": (
        dict(event_id="not-a-uuid"),
        "event_id 'not-a-uuid' is not a UUID",
    ),
}


@pytest.mark.parametrize("columns, problem", POISON_ROWS.values(), ids=POISON_ROWS.keys())
def test_a_poison_row_is_parked_dead_at_once_naming_its_problem_while_later_events_flow(
    registrar_db, selfreg_probe, relays, columns, problem
):
    [poison] = insert_outbox_rows(registrar_db, [outbox_row(100, **columns)])
    later = insert_outbox_rows(
        registrar_db, [outbox_row(aggregate) for aggregate in range(101, 111)]
    )
    relays()

    arrivals = selfreg_probe.collect(later, timeout=15)
    parked = wait_until(
        lambda: _stored_when(registrar_db, poison, _is_dead), what="the poison row to be dead"
    )

    assert set(later) <= arrived_ids(arrivals)
    assert poison not in arrived_ids(arrivals)
    assert parked["attempts"] == 1
    assert problem in parked["last_error"]


def _stored_when(connection, event_id: str, condition) -> dict | None:
    """The event's outbox row once `condition(row)` holds, else None (for wait_until)."""
    row = stored_event(connection, event_id)
    return row if condition(row) else None


def _is_dead(row: dict) -> bool:
    return row["dead_at"] is not None


def test_poison_rows_are_counted_as_dead_and_malformed_in_the_relay_metrics(registrar_db, relays):
    insert_outbox_rows(
        registrar_db,
        [
            outbox_row(100 + n, **columns)
            for n, (columns, _problem) in enumerate(POISON_ROWS.values())
        ],
    )
    port = free_port()
    relays("--metrics-port", str(port))

    wait_until(
        lambda: _metric(port, "edquill_outbox_dead_total") == len(POISON_ROWS),
        what="every poison row counted dead in the metrics",
    )

    assert _metric(port, "edquill_outbox_failed_total", reason="malformed") == len(POISON_ROWS)
    assert count_rows(registrar_db, "dead") == len(POISON_ROWS)


def _serves_metrics(host: str, port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=2) as answer:
            return b"edquill_outbox_" in answer.read()
    except OSError:
        return False


def test_the_relay_serves_its_metrics_on_edquill_metrics_host_only(relays):
    port = free_port()
    relays("--metrics-port", str(port), extra_env={"EDQUILL_METRICS_HOST": "127.0.0.2"})

    wait_until(lambda: _serves_metrics("127.0.0.2", port), what="metrics on 127.0.0.2")

    assert not _serves_metrics("127.0.0.1", port)


def _metric(port: int, name: str, **labels) -> float | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
            text = answer.read().decode()
    except OSError:
        return None  # not serving yet
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


# -- events the broker cannot route ------------------------------------------------------------


def test_an_unroutable_event_is_retried_with_back_off_then_parked_dead_after_max_attempts(
    registrar_db, selfreg_probe, relays
):
    [unroutable] = insert_outbox_rows(
        registrar_db, [outbox_row(200, event_type=INVOICE_ISSUED, payload=INVOICE_PAYLOAD)]
    )
    relays("--max-attempts", "3")

    parked = wait_until(
        lambda: _stored_when(registrar_db, unroutable, _is_dead),
        timeout=20,
        what="the unroutable event to be dead",
    )

    assert parked["attempts"] == 3
    assert "unroutable" in parked["last_error"]
    assert "NO_ROUTE" in parked["last_error"]
    # Three attempts are two retry delays apart: 0.5 s, then 1 s.
    assert parked["dead_at"] - parked["created_at"] >= timedelta(seconds=1.5)


def test_the_relays_knobs_come_from_the_environment(registrar_db, selfreg_probe, relays):
    [unroutable] = insert_outbox_rows(
        registrar_db, [outbox_row(200, event_type=INVOICE_ISSUED, payload=INVOICE_PAYLOAD)]
    )
    relays(extra_env={"EDQUILL_RELAY_MAX_ATTEMPTS": "2"})

    parked = wait_until(
        lambda: _stored_when(registrar_db, unroutable, _is_dead),
        timeout=20,
        what="the unroutable event to be dead",
    )

    assert parked["attempts"] == 2


def test_a_flag_overrides_the_relays_environment(registrar_db, selfreg_probe, relays):
    [unroutable] = insert_outbox_rows(
        registrar_db, [outbox_row(200, event_type=INVOICE_ISSUED, payload=INVOICE_PAYLOAD)]
    )
    relays("--max-attempts", "3", extra_env={"EDQUILL_RELAY_MAX_ATTEMPTS": "1"})

    parked = wait_until(
        lambda: _stored_when(registrar_db, unroutable, _is_dead),
        timeout=20,
        what="the unroutable event to be dead",
    )

    assert parked["attempts"] == 3


def test_a_bad_relay_variable_stops_the_worker_with_its_name(relay_settings):
    done = run_edquill(
        relay_settings, "outbox", "worker", extra_env={"EDQUILL_RELAY_BATCH_SIZE": "0"}, timeout=30
    )

    assert done.returncode != 0
    assert "EDQUILL_RELAY_BATCH_SIZE must be between 1 and 5000, got 0" in done.stderr


def test_an_unroutable_event_in_retry_does_not_hold_up_other_registrations(
    registrar_db, selfreg_probe, relays
):
    [unroutable] = insert_outbox_rows(
        registrar_db, [outbox_row(200, event_type=INVOICE_ISSUED, payload=INVOICE_PAYLOAD)]
    )
    others = insert_outbox_rows(
        registrar_db, [outbox_row(aggregate) for aggregate in range(201, 211)]
    )
    relays("--max-attempts", "100")

    arrivals = selfreg_probe.collect(others, timeout=15)
    retrying = wait_until(
        lambda: _stored_when(registrar_db, unroutable, lambda row: row["attempts"] >= 2),
        what="the unroutable event to be retried",
    )

    assert set(others) <= arrived_ids(arrivals)
    assert retrying["dead_at"] is None
    assert retrying["processed_at"] is None


def test_a_later_event_of_a_registration_is_held_once_its_earlier_unroutable_event_is_dead(
    registrar_db, selfreg_probe, relays
):
    [unroutable, later] = insert_outbox_rows(
        registrar_db,
        [
            outbox_row(300, event_type=INVOICE_ISSUED, payload=INVOICE_PAYLOAD),
            outbox_row(300, event_type=STATUS_UPDATED),
        ],
    )
    relays("--max-attempts", "3")

    held = wait_until(
        lambda: _stored_when(registrar_db, later, lambda row: row["held_at"] is not None),
        timeout=20,
        what="the later event to be held",
    )

    assert stored_event(registrar_db, unroutable)["dead_at"] is not None
    assert held["processed_at"] is None
    assert later not in arrived_ids(selfreg_probe.collect([later], timeout=1.0))
