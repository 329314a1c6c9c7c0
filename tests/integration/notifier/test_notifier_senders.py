"""Sending at speed without giving up a guarantee: two worker processes draining one send queue
never send a message twice, and an SMTP connection dropped in the middle of a batch is opened
again without losing a message (the one in flight may go twice, with its one Message-ID)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from tests.support.notifier import (
    Family,
    new_school_id,
    school_created,
    statuses_of,
    unique_email,
)
from tests.support.processes import EdquillProcess
from tests.support.scripted_mail import ScriptedMailSink
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import stays_true, wait_until

RECEIPTS = 120


@pytest.fixture
def school_id(queues):
    school_id = new_school_id()
    queues.publish_event(school_created(school_id))
    return school_id


def publish_receipts(queues, school_id: int, count: int) -> None:
    for number in range(count):
        family = Family(school_id, unique_email(f"payer{number}"), student_first_name="Ada")
        queues.publish_event(family.invoice_paid(1000 + number))


def message_ids(sink) -> Counter:
    return Counter(message.parsed()["Message-ID"] for message in sink.messages())


def all_sent(notifier_db, school_id: int, count: int) -> bool:
    return statuses_of(notifier_db, school_id) == [("receipt", "sent")] * count


def test_two_worker_processes_send_each_message_exactly_once(
    settings, queues, sink, notifier_db, school_id
):
    # Small batches and a short idle: the two senders claim from the same rows all the time.
    worker_env = {
        "EDQUILL_NOTIFIER_SEND_BATCH_SIZE": "5",
        "EDQUILL_NOTIFIER_SENDER_IDLE_SECONDS": "0.01",
    }
    session = replace(settings, smtp_url=sink.url)
    workers = [
        EdquillProcess(session, "notifier", "worker", extra_env=worker_env) for _worker in (1, 2)
    ]
    try:
        publish_receipts(queues, school_id, RECEIPTS)
        sink.wait_for(RECEIPTS, timeout=60)
        wait_until(lambda: all_sent(notifier_db, school_id, RECEIPTS), what="all marked sent")

        assert stays_true(lambda: len(sink.messages()) == RECEIPTS, 1.0)
        sent = message_ids(sink)
        assert len(sent) == RECEIPTS and set(sent.values()) == {1}
        assert all(worker.running for worker in workers)
    finally:
        for worker in workers:
            worker.stop()


def test_a_connection_dropped_mid_batch_is_opened_again_and_loses_no_message(
    start_worker, queues, notifier_db, school_id, tmp_path
):
    proxy: list[TcpProxy] = []
    dropped: list[int] = []

    def drop_after_the_twentieth() -> None:
        # Stored, but the 250 never reaches the sender: the worst moment to lose a connection.
        if len(sink.messages()) == 20 and not dropped:
            dropped.append(20)
            proxy[0].drop_connections()

    with ScriptedMailSink(tmp_path / "mail", on_accept=drop_after_the_twentieth) as sink:
        with TcpProxy("127.0.0.1", sink.port) as through:
            proxy.append(through)
            publish_receipts(queues, school_id, RECEIPTS)
            start_worker(smtp_url=f"smtp://127.0.0.1:{through.port}")
            wait_until(
                lambda: all_sent(notifier_db, school_id, RECEIPTS),
                timeout=60,
                what="every receipt marked sent",
            )

            sent = message_ids(sink)
            assert dropped and len(sent) == RECEIPTS  # dropped mid-batch, and none lost
            # The one in flight when the connection went may have gone twice, with its id.
            assert sum(sent.values()) - RECEIPTS <= 1
