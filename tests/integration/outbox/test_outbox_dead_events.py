"""A dead event keeps its registration's events in order: the later events of that
registration wait behind it (every other registration's flow on) until an operator replays or
skips it. Real relays, MariaDB and RabbitMQ; order is read from a queue bound to the test's
exchange."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from devtools.ports import free_port
from tests.support.broker import RefusingQueue
from tests.support.outbox import (
    STATUS_UPDATED,
    arrived_ids,
    count_rows,
    event_ids_by_aggregate,
    first_arrival_order,
    insert_outbox_rows,
    interleaved_status_events,
    outbox_row,
    stored_event,
    utcnow,
)
from tests.support.processes import run_edquill
from tests.support.waiting import stays_true, wait_until

POISONED = 500  # the registration whose event goes dead
OTHERS = range(501, 511)  # registrations with nothing wrong
INVOICE_PAYLOAD = {
    "registration_id": POISONED,
    "invoice_id": 9,
    "amount_minor": 12500,
    "currency": "USD",
}
# Events already in flight when a test looks may still land; after this long nothing should.
QUIET_SECONDS = 1.5


def status_events(aggregate_id: int, count: int) -> list[dict]:
    return [
        outbox_row(
            aggregate_id,
            payload={
                "registration_id": aggregate_id,
                "from_status": "pending",
                "to_status": "in_review",
                "step": step,
            },
        )
        for step in range(count)
    ]


def edquill_ok(settings, *args: str) -> str:
    result = run_edquill(settings, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def held_ids(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_id FROM t_event_outbox WHERE processed_at IS NULL AND held_at IS NOT NULL"
        )
        return {record["event_id"] for record in cursor.fetchall()}


def metric(port: int, name: str) -> float | None:
    """A sample of the relay's /metrics (None while it does not answer yet)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
            text = answer.read().decode()
    except OSError:
        return None
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    return None


def attempts_by_event(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_id, attempts FROM t_event_outbox")
        return {record["event_id"]: record["attempts"] for record in cursor.fetchall()}


@pytest.fixture
def malformed_then_later(registrar_db):
    """A malformed event of POISONED (dead on first sight), three later events of POISONED,
    and three events of each of OTHERS; returns (poison, later, others)."""
    [poison] = insert_outbox_rows(
        registrar_db, [outbox_row(POISONED, payload={"registration_id": POISONED})]
    )
    later = insert_outbox_rows(registrar_db, status_events(POISONED, 3))
    others = insert_outbox_rows(registrar_db, interleaved_status_events(OTHERS, 3))
    return poison, later, others


@pytest.fixture
def held_behind_malformed(registrar_db, selfreg_probe, relays, malformed_then_later):
    """malformed_then_later with a relay running, once the others arrived and the later
    events of POISONED are held; returns (poison, later, others, what arrived)."""
    poison, later, others = malformed_then_later
    relays()
    arrivals = selfreg_probe.collect(others, timeout=20)
    wait_until(
        lambda: held_ids(registrar_db) == set(later),
        timeout=20,
        what="the later events of the poisoned registration to be held",
    )
    return poison, later, others, arrivals


def test_a_dead_event_holds_back_only_the_later_events_of_its_own_registration(
    registrar_db, selfreg_probe, relays, malformed_then_later
):
    poison, later, others = malformed_then_later
    relays()

    arrivals = selfreg_probe.collect(others, timeout=20)
    wait_until(
        lambda: stored_event(registrar_db, poison)["dead_at"] is not None,
        timeout=20,
        what="the malformed event to be dead",
    )
    arrivals += selfreg_probe.collect(later, timeout=QUIET_SECONDS)

    assert set(others) <= arrived_ids(arrivals)
    assert not arrived_ids(arrivals) & set(later), (
        "an event of the poisoned registration overtook its dead event"
    )
    assert held_ids(registrar_db) == set(later)
    assert all(stored_event(registrar_db, event_id)["processed_at"] is None for event_id in later)


def test_the_other_registrations_events_flow_in_commit_order_past_a_dead_event(
    registrar_db, held_behind_malformed
):
    _poison, _later, _others, arrivals = held_behind_malformed
    committed = event_ids_by_aggregate(registrar_db)

    assert first_arrival_order(arrivals) == {
        aggregate: committed[aggregate] for aggregate in OTHERS
    }


def test_an_event_committed_while_its_registration_is_held_is_held_too(
    registrar_db, selfreg_probe, held_behind_malformed
):
    [newcomer] = insert_outbox_rows(registrar_db, status_events(POISONED, 1))

    wait_until(lambda: newcomer in held_ids(registrar_db), what="the new event to be held")
    assert selfreg_probe.take(1, timeout=0.5) == []


# -- replay ------------------------------------------------------------------------------------


@pytest.fixture
def held_behind_unroutable(registrar_db, selfreg_probe, relays):
    """An invoice event of POISONED that no queue is bound for, parked dead after its one
    attempt, with POISONED's three later events held behind it and OTHERS' events arrived;
    returns (dead invoice, later, what arrived)."""
    [invoice] = insert_outbox_rows(
        registrar_db, [outbox_row(POISONED, event_type="invoice.issued", payload=INVOICE_PAYLOAD)]
    )
    later = insert_outbox_rows(registrar_db, status_events(POISONED, 3))
    others = insert_outbox_rows(registrar_db, interleaved_status_events(OTHERS, 3))
    relays("--max-attempts", "1")
    arrivals = selfreg_probe.collect(others, timeout=20)
    wait_until(
        lambda: held_ids(registrar_db) == set(later), timeout=20, what="the later events held"
    )
    return invoice, later, arrivals


def test_replay_publishes_the_dead_event_then_the_held_ones_in_commit_order(
    settings, registrar_db, selfreg_probe, held_behind_unroutable
):
    invoice, later, before = held_behind_unroutable
    selfreg_probe.bind("invoice.#")  # the cause fixed: a consumer's queue now takes invoices

    output = edquill_ok(settings, "outbox", "dead", "replay", "--event-id", invoice)
    after = selfreg_probe.collect([invoice, *later], timeout=20)

    assert output.strip() == "replayed 1 dead events"
    assert first_arrival_order(before + after) == event_ids_by_aggregate(registrar_db)
    assert (count_rows(registrar_db, "dead"), count_rows(registrar_db, "held")) == (0, 0)


def test_replay_all_releases_every_held_registration(
    settings, registrar_db, selfreg_probe, held_behind_unroutable
):
    invoice, later, _before = held_behind_unroutable
    selfreg_probe.bind("invoice.#")

    edquill_ok(settings, "outbox", "dead", "replay", "--all")
    after = selfreg_probe.collect([invoice, *later], timeout=20)

    assert first_arrival_order(after)[POISONED] == [invoice, *later]


def test_a_replayed_event_that_is_still_broken_is_parked_again_and_holds_its_registration_again(
    settings, registrar_db, selfreg_probe, held_behind_malformed
):
    poison, later, _others, _arrivals = held_behind_malformed

    edquill_ok(settings, "outbox", "dead", "replay", "--event-id", poison)

    wait_until(
        lambda: (
            stored_event(registrar_db, poison)["dead_at"] is not None
            and held_ids(registrar_db) == set(later)
        ),
        what="the poison dead again and the later events held again",
    )
    assert selfreg_probe.take(1, timeout=0.5) == []


def test_an_event_held_with_no_dead_event_left_to_wait_for_is_released_and_published(
    registrar_db, selfreg_probe, relays
):
    # As a hold that raced a replay would leave it: held, but nothing dead before it.
    [orphan] = insert_outbox_rows(registrar_db, [outbox_row(POISONED, held_at=utcnow())])
    relays()

    arrivals = selfreg_probe.collect([orphan], timeout=20)

    assert orphan in arrived_ids(arrivals)
    assert stored_event(registrar_db, orphan)["held_at"] is None


# -- skip --------------------------------------------------------------------------------------


def test_skip_lets_the_held_events_go_in_order_and_marks_the_skipped_event(
    settings, registrar_db, selfreg_probe, held_behind_malformed
):
    poison, later, _others, _arrivals = held_behind_malformed

    output = edquill_ok(settings, "outbox", "dead", "skip", "--event-id", poison)
    after = selfreg_probe.collect(later, timeout=20)

    assert output.strip() == "skipped 1 dead events"
    assert first_arrival_order(after)[POISONED] == later
    skipped = stored_event(registrar_db, poison)
    assert skipped["skipped_at"] is not None
    assert skipped["processed_at"] is not None
    assert "payload lacks" in skipped["last_error"]
    assert poison not in arrived_ids(after)


def test_a_skipped_event_leaves_the_dead_list(settings, held_behind_malformed):
    poison, _later, _others, _arrivals = held_behind_malformed
    [line] = edquill_ok(settings, "outbox", "dead", "list").splitlines()
    assert line.startswith(poison) and "holding=3" in line

    edquill_ok(settings, "outbox", "dead", "skip", "--event-id", poison)

    assert edquill_ok(settings, "outbox", "dead", "list") == ""


def test_the_relay_exports_the_current_dead_and_held_counts_as_gauges(
    settings, registrar_db, relays, malformed_then_later
):
    poison, _later, _others = malformed_then_later
    port = free_port()
    relays("--metrics-port", str(port))

    wait_until(
        lambda: (
            (metric(port, "edquill_outbox_dead_events"), metric(port, "edquill_outbox_held_events"))
            == (1, 3)
        ),
        timeout=20,
        what="gauges of 1 dead and 3 held events",
    )
    edquill_ok(settings, "outbox", "dead", "skip", "--event-id", poison)
    wait_until(
        lambda: (
            (metric(port, "edquill_outbox_dead_events"), metric(port, "edquill_outbox_held_events"))
            == (0, 0)
        ),
        timeout=20,
        what="both gauges back to 0 once the dead event is skipped",
    )


def test_status_counts_the_dead_event_and_the_events_it_holds(settings, held_behind_malformed):
    lines = edquill_ok(settings, "outbox", "status").splitlines()
    figures = dict(line.split(": ", 1) for line in lines)

    assert (figures["dead"], figures["held"]) == ("1", "3")


# -- what is the broker's fault costs no attempt -------------------------------------------------


def test_a_nacked_publish_costs_no_attempt_and_goes_out_once_the_broker_takes_it(
    registrar_db, selfreg_probe, refusing_queue, relays
):
    events = insert_outbox_rows(registrar_db, interleaved_status_events(OTHERS, 2))
    relay = relays()
    wait_until(lambda: "nacked" in relay.output(), what="the broker to nack the publishes")
    assert stays_true(lambda: count_rows(registrar_db, "processed") == 0, QUIET_SECONDS)

    refusing_queue.delete()

    # The probe's queue took copies of the nacked publishes (at least once); what counts is
    # that the relay settles each event only now, with no attempt spent.
    wait_until(
        lambda: count_rows(registrar_db, "processed") == len(events),
        timeout=30,
        what="every event published once the broker takes them",
    )
    assert set(events) <= arrived_ids(selfreg_probe.collect(events, timeout=10))
    assert set(attempts_by_event(registrar_db).values()) == {0}
    assert count_rows(registrar_db, "dead") == 0


def test_an_event_nacked_many_times_is_never_parked_dead(registrar_db, refusing_queue, relays):
    [event] = insert_outbox_rows(registrar_db, [outbox_row(OTHERS[0], event_type=STATUS_UPDATED)])
    relay = relays("--max-attempts", "1")

    wait_until(lambda: relay.output().count("nacked") >= 3, timeout=20, what="three nacked rounds")

    stored = stored_event(registrar_db, event)
    assert (stored["attempts"], stored["dead_at"], stored["processed_at"]) == (0, None, None)


@pytest.fixture
def refusing_queue(relay_settings):
    queue = RefusingQueue(relay_settings, "full", patterns=("selfreg.#",))
    yield queue
    queue.delete()
