"""The operators' outbox commands, run as `edquill outbox ...` subprocesses against the real
MariaDB (and, for dead events, a real relay and RabbitMQ)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.support.outbox import count_rows, insert_outbox_rows, outbox_row, stored_event, utcnow
from tests.support.processes import run_edquill
from tests.support.waiting import wait_until

INVOICE_PAYLOAD = {"registration_id": 1, "invoice_id": 9, "amount_minor": 12500, "currency": "USD"}


def edquill_ok(settings, *args: str) -> str:
    """Run the command and insist on exit 0; returns what it printed on stdout."""
    result = run_edquill(settings, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def ago(**delta) -> datetime:
    return utcnow() - timedelta(**delta)


# -- status ---------------------------------------------------------------------------------


@pytest.fixture
def outbox_in_every_state(clean_outbox):
    """3 waiting (the oldest 2 minutes old), 1 freshly claimed, 2 claimed 10 minutes ago,
    1 dead and 2 processed."""
    rows = [
        outbox_row(1, created_at=ago(minutes=2)),
        outbox_row(2),
        outbox_row(3),
        outbox_row(4, claimed_by="relay-a", claim_token="a" * 32, claimed_at=ago(seconds=1)),
        outbox_row(5, claimed_by="relay-b", claim_token="b" * 32, claimed_at=ago(minutes=10)),
        outbox_row(6, claimed_by="relay-b", claim_token="b" * 32, claimed_at=ago(minutes=10)),
        outbox_row(7, attempts=8, last_error="unroutable", dead_at=ago(minutes=1)),
        outbox_row(8, processed_at=ago(seconds=5)),
        outbox_row(9, processed_at=ago(days=3)),
    ]
    return insert_outbox_rows(clean_outbox, rows)


def test_status_counts_unprocessed_claimed_stuck_and_dead_events_and_the_oldest_age(
    settings, outbox_in_every_state
):
    figures = json.loads(edquill_ok(settings, "outbox", "status", "--json"))

    assert {key: figures[key] for key in ("unprocessed", "claimed", "stuck", "dead")} == {
        "unprocessed": 6,
        "claimed": 3,
        "stuck": 2,
        "dead": 1,
    }
    assert 120 <= figures["oldest_unprocessed_age_seconds"] < 180


def test_status_prints_one_named_figure_per_line(settings, outbox_in_every_state):
    lines = edquill_ok(settings, "outbox", "status").splitlines()
    figures = dict(line.split(": ", 1) for line in lines)

    assert {key: figures[key] for key in ("unprocessed", "claimed", "stuck", "dead")} == {
        "unprocessed": "6",
        "claimed": "3",
        "stuck": "2",
        "dead": "1",
    }
    assert 120 <= float(figures["oldest_unprocessed_age_seconds"]) < 180


def test_status_of_an_empty_outbox_is_all_zero_with_no_oldest_age(settings, clean_outbox):
    figures = json.loads(edquill_ok(settings, "outbox", "status", "--json"))

    assert figures["unprocessed"] == figures["claimed"] == figures["dead"] == 0
    assert figures["oldest_unprocessed_age_seconds"] is None


@pytest.fixture
def dead_with_held_events(clean_outbox):
    """A dead event of registration 7 with two later events held behind it, and one waiting
    event of registration 8."""
    rows = [
        outbox_row(7, attempts=1, last_error="malformed: payload lacks", dead_at=ago(minutes=1)),
        outbox_row(7, created_at=ago(seconds=50), held_at=ago(seconds=50)),
        outbox_row(7, created_at=ago(seconds=40), held_at=ago(seconds=40)),
        outbox_row(8),
    ]
    return insert_outbox_rows(clean_outbox, rows)


def test_status_counts_dead_events_and_the_events_held_behind_them(settings, dead_with_held_events):
    figures = json.loads(edquill_ok(settings, "outbox", "status", "--json"))

    assert {key: figures[key] for key in ("unprocessed", "dead", "held")} == {
        "unprocessed": 1,
        "dead": 1,
        "held": 2,
    }


def test_held_events_do_not_count_toward_the_oldest_unprocessed_age(
    settings, dead_with_held_events
):
    # The held rows are 40-50 s old; the one waiting row is fresh.
    figures = json.loads(edquill_ok(settings, "outbox", "status", "--json"))

    assert figures["oldest_unprocessed_age_seconds"] < 30


def test_status_prints_the_held_count_on_a_line_of_its_own(settings, dead_with_held_events):
    lines = edquill_ok(settings, "outbox", "status").splitlines()

    assert "held: 2" in lines
    assert "dead: 1" in lines


# -- reset-stuck ----------------------------------------------------------------------------


def test_reset_stuck_older_than_0_minutes_clears_every_claim(
    settings, registrar_db, outbox_in_every_state
):
    output = edquill_ok(settings, "outbox", "reset-stuck", "--older-than-minutes", "0")

    assert output.strip() == "reset 3 stuck claims (claimed more than 0 s ago)"
    assert count_rows(registrar_db, "claimed") == 0
    assert count_rows(registrar_db, "unprocessed") == 6


def test_reset_stuck_leaves_claims_younger_than_the_limit(
    settings, registrar_db, outbox_in_every_state
):
    output = edquill_ok(settings, "outbox", "reset-stuck", "--older-than-minutes", "5")

    assert output.strip() == "reset 2 stuck claims (claimed more than 300 s ago)"
    fresh = stored_event(registrar_db, outbox_in_every_state[3])
    assert fresh["claim_token"] == "a" * 32


def test_reset_stuck_by_default_clears_exactly_what_status_calls_stuck(
    settings, registrar_db, outbox_in_every_state
):
    figures = json.loads(edquill_ok(settings, "outbox", "status", "--json"))

    output = edquill_ok(settings, "outbox", "reset-stuck")

    assert figures["stuck"] == 2
    assert figures["stuck_after_seconds"] == 15
    assert output.strip() == "reset 2 stuck claims (claimed more than 15 s ago)"
    assert json.loads(edquill_ok(settings, "outbox", "status", "--json"))["stuck"] == 0


def test_reset_stuck_frees_partition_leases_that_ran_out_and_keeps_live_ones(
    settings, registrar_db, clean_outbox
):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE t_outbox_partition_lease SET owner = 'gone', lease_until = "
            "UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE WHERE partition_no < 4"
        )
        cursor.execute(
            "UPDATE t_outbox_partition_lease SET owner = 'alive', lease_until = "
            "UTC_TIMESTAMP(6) + INTERVAL 1 MINUTE WHERE partition_no >= 4"
        )

    edquill_ok(settings, "outbox", "reset-stuck", "--older-than-minutes", "0")

    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(owner, '-') AS owner, COUNT(*) AS n "
            "FROM t_outbox_partition_lease GROUP BY owner"
        )
        owners = {record["owner"]: record["n"] for record in cursor.fetchall()}
    assert owners == {"-": 4, "alive": 12}


# -- purge ----------------------------------------------------------------------------------


def test_purge_older_than_0_days_deletes_processed_rows_only(
    settings, registrar_db, outbox_in_every_state
):
    output = edquill_ok(settings, "outbox", "purge", "--older-than-days", "0")

    assert output.strip() == "purged 2 processed events"
    assert count_rows(registrar_db, "processed") == 0
    assert count_rows(registrar_db, "all") == 7


def test_purge_keeps_rows_processed_more_recently_than_the_limit(
    settings, registrar_db, outbox_in_every_state
):
    output = edquill_ok(settings, "outbox", "purge", "--older-than-days", "1")

    assert output.strip() == "purged 1 processed events"
    assert stored_event(registrar_db, outbox_in_every_state[7]) is not None
    assert stored_event(registrar_db, outbox_in_every_state[8]) is None


# -- dead events ----------------------------------------------------------------------------


@pytest.fixture
def parked_unroutable(registrar_db, relays):
    """Two invoice events no queue is bound for, parked as dead by a running relay that gives
    up after one attempt; the relay keeps running."""
    event_ids = insert_outbox_rows(
        registrar_db,
        [
            outbox_row(aggregate, event_type="invoice.issued", payload=INVOICE_PAYLOAD)
            for aggregate in (41, 42)
        ],
    )
    relays("--max-attempts", "1")
    wait_until(lambda: count_rows(registrar_db, "dead") == 2, what="both events to be dead")
    return event_ids


def test_dead_list_shows_each_parked_event_with_its_error(settings, parked_unroutable):
    lines = edquill_ok(settings, "outbox", "dead", "list").splitlines()

    assert len(lines) == 2
    for event_id, line in zip(parked_unroutable, lines):
        assert line.startswith(event_id)
        assert "invoice.issued" in line
        assert "attempts=1" in line
        assert "unroutable" in line


def test_dead_replay_of_an_event_id_delivers_it_once_a_queue_is_bound(
    settings, registrar_db, probe_factory, parked_unroutable
):
    replayed, still_dead = parked_unroutable
    invoices = probe_factory("invoice.#")

    output = edquill_ok(settings, "outbox", "dead", "replay", replayed)

    assert output.strip() == "replayed 1 dead events"
    assert stored_event(registrar_db, still_dead)["dead_at"] is not None
    assert [body["event_id"] for body in invoices.bodies(1)] == [replayed]


def test_dead_replay_all_delivers_every_dead_event_once_a_queue_is_bound(
    settings, registrar_db, probe_factory, parked_unroutable
):
    invoices = probe_factory("invoice.#")

    output = edquill_ok(settings, "outbox", "dead", "replay", "--all")

    assert output.strip() == "replayed 2 dead events"
    arrived = {body["event_id"] for body in invoices.collect(parked_unroutable, timeout=15)}
    assert arrived == set(parked_unroutable)
    assert count_rows(registrar_db, "dead") == 0


NOT_DEAD = {
    "skip of an unknown event": ["outbox", "dead", "skip", "--event-id", "no-such-event"],
    "skip of a waiting event": ["outbox", "dead", "skip", "--event-id", "WAITING"],
    "replay of a held event": ["outbox", "dead", "replay", "--event-id", "HELD"],
}


@pytest.mark.parametrize("args", NOT_DEAD.values(), ids=NOT_DEAD.keys())
def test_naming_an_event_that_is_not_dead_fails_naming_it_and_changes_nothing(
    settings, registrar_db, dead_with_held_events, args
):
    dead, held, _held_too, waiting = dead_with_held_events
    args = [{"WAITING": waiting, "HELD": held}.get(arg, arg) for arg in args]
    named = args[-1]

    result = run_edquill(settings, *args, "--event-id", dead)

    [line] = result.stderr.strip().splitlines()
    assert result.returncode != 0
    assert named in line and dead not in line
    assert (count_rows(registrar_db, "dead"), count_rows(registrar_db, "held")) == (1, 2)


# -- failures -------------------------------------------------------------------------------

BAD_ARGUMENTS = {  # arguments -> what the one line must name
    "purge without its age": (["outbox", "purge"], "--older-than-days"),
    "purge with a negative age": (["outbox", "purge", "--older-than-days", "-1"], "-1"),
    "reset-stuck with a word for an age": (
        ["outbox", "reset-stuck", "--older-than-minutes", "soon"],
        "soon",
    ),
    "worker with an empty batch": (["outbox", "worker", "--batch-size", "0"], "--batch-size"),
    "replay of nothing": (["outbox", "dead", "replay"], "--all"),
    "replay of ids and --all": (["outbox", "dead", "replay", "--all", "some-event-id"], "--all"),
    "skip of nothing": (["outbox", "dead", "skip"], "--event-id"),
    "an unknown command": (["outbox", "vacuum"], "vacuum"),
}


@pytest.mark.parametrize("args, named", BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys())
def test_bad_arguments_exit_non_zero_with_one_clear_line_on_stderr(
    settings, clean_outbox, args, named
):
    result = run_edquill(settings, *args)

    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(lines) == 1, f"stderr:\n{result.stderr}"
    assert named in lines[0]


def test_an_unreachable_database_fails_with_one_clear_line_on_stderr(settings):
    result = run_edquill(
        settings, "outbox", "status", extra_env={"EDQUILL_MYSQL_URL": "mysql://root@127.0.0.1:1"}
    )

    assert result.returncode != 0
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "Can't connect to MySQL server" in line
