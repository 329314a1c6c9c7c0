"""Delivery over real SMTP: retried while the server is away, failed for good when it refuses,
and exactly once in effect: a redelivered event sends nothing twice, and a sender killed
between the server's accept and its own commit sends again with the same Message-ID."""

from __future__ import annotations

import os
import secrets
import signal
import threading
import time
from dataclasses import replace

import pytest

from devtools.mailsink import MailSink
from devtools.ports import free_port
from notifier.adapters.clock import system_clock
from shared import db
from tests.integration.notifier.conftest import TEST_CONFIG
from tests.support.notifier import (
    Family,
    messages_of,
    new_school_id,
    school_created,
    statuses_of,
    unique_email,
)
from tests.support.processes import EdquillProcess
from tests.support.scripted_mail import ScriptedMailSink
from tests.support.waiting import stays_true, wait_until


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id))
    return school_id


@pytest.fixture
def family(school_id):
    return Family(school_id, unique_email(), student_first_name="Ada")


def test_while_smtp_is_down_a_message_is_retried_and_sent_later(
    start_worker, queues, family, notifier_db, school_id, tmp_path
):
    port = free_port()  # nothing listens here yet
    start_worker(smtp_url=f"smtp://127.0.0.1:{port}", clock=system_clock)
    queues.publish_event(family.invoice_paid(61))
    row = wait_until(
        lambda: [r for r in messages_of(notifier_db, school_id) if r["error"]],
        what="a failed attempt logged",
    )[0]
    assert row["status"] == "queued" and "will retry" in row["error"]

    with MailSink(tmp_path / "late-mail", port=port) as sink:
        (message,) = sink.wait_for(1, timeout=20)

        assert message.rcpt_tos == (family.email,)
        wait_until(
            lambda: statuses_of(notifier_db, school_id) == [("receipt", "sent")],
            what="the receipt marked sent",
        )
        assert messages_of(notifier_db, school_id)[0]["attempts"] >= 2


def test_an_address_the_server_refuses_fails_with_the_reason(
    start_worker, queues, notifier_db, school_id, tmp_path
):
    refused = unique_email("gone")
    with ScriptedMailSink(tmp_path / "mail", refused={refused}) as sink:
        start_worker(smtp_url=sink.url)
        queues.publish_event(Family(school_id, refused).invoice_paid(62))

        (row,) = wait_until(
            lambda: [r for r in messages_of(notifier_db, school_id) if r["status"] == "failed"],
            what="the message failed",
        )
        assert row["error"].startswith("recipient refused: 550")
        assert row["attempts"] == 1  # a permanent refusal is not retried
        assert sink.messages() == []


def test_the_worker_goes_on_after_a_refused_address(start_worker, queues, school_id, tmp_path):
    refused = unique_email("gone")
    with ScriptedMailSink(tmp_path / "mail", refused={refused}) as sink:
        start_worker(smtp_url=sink.url)
        queues.publish_event(Family(school_id, refused).invoice_paid(63))
        good = Family(school_id, unique_email())
        queues.publish_event(good.invoice_paid(64))

        (message,) = sink.wait_for(1)
        assert message.rcpt_tos == (good.email,)


def test_mail_the_consumer_queues_goes_out_without_waiting_for_the_senders_next_look(
    start_worker, queues, family, tmp_path
):
    # The sender looks at the queue once a minute here: only the consumer's commit, waking
    # it, gets the receipt out within the test's seconds.
    config = replace(TEST_CONFIG, sender_idle_seconds=60)
    with MailSink(tmp_path / "mail") as sink:
        worker = start_worker(smtp_url=sink.url, config=config, clock=system_clock)
        time.sleep(1)  # the sender's first look, at start, has found nothing
        queues.publish_event(family.invoice_paid(66))

        (message,) = sink.wait_for(1, timeout=15)
        assert message.rcpt_tos == (family.email,)
        stopping_since = time.monotonic()
        worker.stop()
        assert time.monotonic() - stopping_since < 10  # the idle sender still sees the stop


def test_a_redelivered_event_sends_one_message(
    start_worker, queues, sink, family, notifier_db, school_id
):
    event = family.invoice_paid(65)
    start_worker()
    queues.publish_event(event)
    queues.publish_event(event)  # the same event id again, as after a lost ack

    sink.wait_for(1)
    assert stays_true(lambda: len(sink.messages()) == 1, 0.5)
    assert statuses_of(notifier_db, school_id) == [("receipt", "sent")]


def test_a_second_ask_for_the_same_message_is_logged_as_a_duplicate(
    start_worker, queues, sink, family, notifier_db, school_id
):
    start_worker()
    queues.publish_event(family.invoice_paid(66))
    queues.publish_event(family.invoice_paid(66))  # another event id, the same receipt

    wait_until(
        lambda: (
            sorted(statuses_of(notifier_db, school_id))
            == [("receipt", "duplicate"), ("receipt", "sent")]
        ),
        what="sent and duplicate",
    )
    original, duplicate = messages_of(notifier_db, school_id)
    assert duplicate["duplicate_of"] == original["id"]
    assert len(sink.messages()) == 1


@pytest.mark.slow
def test_a_sender_killed_between_smtp_accept_and_commit_resends_with_the_same_message_id(
    settings, queues, family, notifier_db, school_id, tmp_path
):
    """The documented choice: at least once on the wire, with a stable Message-ID."""
    workers: list[EdquillProcess] = []

    def kill_first_worker() -> None:
        if len(workers) == 1:  # the server has the message; the sender has not recorded it
            os.kill(workers[0].pid, signal.SIGKILL)

    worker_env = {
        "EDQUILL_NOTIFIER_CLAIM_SECONDS": "1",
        "EDQUILL_NOTIFIER_SENDER_IDLE_SECONDS": "0.05",
        "EDQUILL_NOTIFIER_SCHEDULER_IDLE_SECONDS": "0.2",
    }
    with ScriptedMailSink(tmp_path / "mail", on_accept=kill_first_worker) as sink:
        session = replace(settings, smtp_url=sink.url)
        workers.append(EdquillProcess(session, "notifier", "worker", extra_env=worker_env))
        try:
            queues.publish_event(family.invoice_paid(67))
            sink.wait_for(1, timeout=30)
            workers[0].process.wait(timeout=10)
            assert statuses_of(notifier_db, school_id) == [("receipt", "queued")]

            workers.append(EdquillProcess(session, "notifier", "worker", extra_env=worker_env))
            first, second = sink.wait_for(2, timeout=30)

            assert first.parsed()["Message-ID"] == second.parsed()["Message-ID"]
            (row,) = wait_until(
                lambda: [r for r in messages_of(notifier_db, school_id) if r["status"] == "sent"],
                what="marked sent",
                timeout=15,
            )
            assert row["message_id"] == first.parsed()["Message-ID"]
            assert row["attempts"] == 2
            assert stays_true(lambda: len(sink.messages()) == 2, 1.5)
        finally:
            for worker in workers:
                worker.stop()


def test_a_deadlock_on_marking_a_batch_sent_is_tried_again_and_sends_nothing_twice(
    start_worker, queues, family, notifier_db, school_id, settings, sink
):
    # Another transaction, heavier than the mark (so the server rolls the mark back), holds
    # the batch's last row and then wants its first, which the mark has locked: a deadlock.
    # Given up, the mark would leave the batch claimed until the claim expired and then sent
    # again.
    other = db.connect(settings, "notifier")
    weight = f"t_test_weight_{secrets.token_hex(3)}"
    with other.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {weight} (id INT PRIMARY KEY) ENGINE=InnoDB")
    other.autocommit(False)
    crossing: list[threading.Thread] = []

    # The hook runs in the sender's thread: a connection of its own (pymysql's are one thread's).
    watcher = db.connect(settings, "notifier")
    watcher.autocommit(True)

    def hold_the_last_then_want_the_first(row: dict) -> None:
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM t_message_log WHERE school_id = %s AND claim_token IS NOT NULL "
                "AND status = 'queued' ORDER BY id",
                (school_id,),
            )
            claimed = [r["id"] for r in cursor.fetchall()]
        if crossing or len(claimed) < 2 or row["id"] != claimed[-1]:
            return
        with other.cursor() as cursor:
            cursor.execute("UPDATE t_message_log SET error = 'held' WHERE id = %s", (claimed[-1],))
            cursor.executemany(f"INSERT INTO {weight} VALUES (%s)", [(n,) for n in range(30)])

        def want_the_first() -> None:
            time.sleep(0.5)  # the mark has locked the first row and waits for the last
            with other.cursor() as cursor:
                cursor.execute(
                    "UPDATE t_message_log SET error = 'held' WHERE id = %s", (claimed[0],)
                )
            time.sleep(0.3)
            other.commit()

        crossing.append(threading.Thread(target=want_the_first))
        crossing[0].start()

    # Six receipts: however the consumer's batches split them, a send batch holds two or more.
    for invoice_id in range(71, 71 + RECEIPTS):
        queues.publish_event(family.invoice_paid(invoice_id))
    start_worker(after_accept=hold_the_last_then_want_the_first)
    try:
        wait_until(
            lambda: statuses_of(notifier_db, school_id) == [("receipt", "sent")] * RECEIPTS,
            timeout=20,
            what="every receipt marked sent",
        )
    finally:
        for thread in crossing:
            thread.join(10)
        with other.cursor() as cursor:
            cursor.execute(f"DROP TABLE {weight}")
        other.close()
        watcher.close()

    assert crossing, "no send batch held two receipts: nothing crossed the mark"
    assert stays_true(lambda: len(sink.messages()) == RECEIPTS, 2.0), "a receipt went out twice"


RECEIPTS = 6
