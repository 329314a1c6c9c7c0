"""Notifier benchmark: events -> messages accepted by an SMTP server, as JSON.

What it measures, on this one machine with the real MariaDB and RabbitMQ, `edquill notifier
worker` as one or two processes and `edquill mailsink` as the SMTP server (loopback):
  * a baseline first: smtplib sending the same messages straight to the same server on one
    connection (the ceiling the SMTP side allows one sender);
  * sending: a send queue of receipts already written to t_message_log (by the notifier's own
    consumer, in this process, before any worker starts), drained by one worker, then a queue
    twice as long by two workers at once; messages accepted by the SMTP server per second,
    first accept to last, and per worker;
  * events to mail: the same with a backlog of invoice.paid events (one receipt each) in the
    worker's queue instead, consumed and sent by one worker, then twice as many by two;
  * latency: events published at a steady rate while one worker runs; from each publish to
    the SMTP server's accept of its message (p50/p95/p99). Receipts are transactional, so
    quiet hours never hold them.
Ratios beside the figures (one_worker/smtplib, two_workers/one_worker) hold on a busy machine
where the figures do not; the load average before and after is printed with them. Targets: one
worker sends at least half of what smtplib sends on one connection, two workers about twice
one; >= 200 events/s into mail; p99 under 1 s.

    .venv/bin/python -m bench.notifier [--quick] > result.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import shutil
import smtplib
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pika

from bench.cpu import CpuShare, server_pids
from bench.harness import (
    EDQUILL,
    bench_settings,
    delete_topology,
    env_for,
    free_port,
    percentiles,
    stop,
)
from devtools.mail_store import MailDirectory
from devtools.supervision import port_answers
from notifier.bootstrap import build_composer
from notifier.config import NotifierConfig
from notifier.entrypoints.consumer import NotifierConsumer
from shared import db, migrations
from shared.broker import ConsumerTopology
from shared.config import Settings
from shared.events import Event

SCHOOL_ID = 1
TARGET_PER_S = 200
# One worker's sending against smtplib's on one connection, and two workers against one.
TARGET_SMTPLIB_SHARE = 0.5
TARGET_TWO_WORKERS_GAIN = 1.8
TARGET_P99_MS = 1000
INVOICE_IDS = itertools.count(1)


# -- set-up -----------------------------------------------------------------------------------


def start_sink(settings: Settings, directory: Path) -> subprocess.Popen:
    sink = subprocess.Popen(
        [EDQUILL, "--log-level", "WARNING", "mailsink", "--dir", str(directory)],
        env=env_for(settings),
        stdout=subprocess.DEVNULL,
    )
    port = int(settings.smtp_url.rsplit(":", 1)[1])
    deadline = time.monotonic() + 30
    while not port_answers(port):
        if time.monotonic() > deadline:
            raise RuntimeError("the mail sink did not start")
        time.sleep(0.1)
    return sink


def start_worker(settings: Settings) -> subprocess.Popen:
    return subprocess.Popen(
        [EDQUILL, "--log-level", "WARNING", "notifier", "worker"], env=env_for(settings)
    )


# -- events -----------------------------------------------------------------------------------


class Publisher:
    def __init__(self, settings: Settings):
        self.connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        self.channel = self.connection.channel()
        self.channel.confirm_delivery()
        self.exchange = settings.exchange
        # The worker's queue, declared as the worker declares it, so a backlog waits there.
        ConsumerTopology.of(
            settings.exchange,
            NotifierConsumer.NAME,
            NotifierConsumer.BINDINGS,
            NotifierConsumer.DELIVERY_LIMIT,
        ).declare(self.channel)

    def publish(self, event: Event) -> float:
        """Publish with a confirm; returns the wall time just before publishing."""
        published_at = time.time()
        self.channel.basic_publish(
            self.exchange,
            event.event_type,
            event.to_json(),
            pika.BasicProperties(
                content_type="application/json",
                message_id=event.event_id,
                type=event.event_type,
                delivery_mode=pika.DeliveryMode.Persistent,
            ),
            mandatory=True,
        )
        return published_at

    def close(self) -> None:
        self.connection.close()


def school_event() -> Event:
    return Event.new(
        "school.created",
        SCHOOL_ID,
        SCHOOL_ID,
        {
            "school_id": SCHOOL_ID,
            "name": "Bench Music School",
            "slug": "bench",
            "timezone": "UTC",
            "currency": "USD",
        },
        aggregate_type="school",
    )


def receipt_event(run: str, number: int) -> Event:
    # Every event is for a new invoice: a second receipt for one invoice is a duplicate.
    invoice_id = next(INVOICE_IDS)
    return Event.new(
        "invoice.paid",
        SCHOOL_ID,
        number,
        {
            "registration_id": number,
            "invoice_id": invoice_id,
            "number": f"INV-{number:06}",
            "amount_minor": 25000,
            "currency": "USD",
            "last_payment_method": "card",
            "paid_at": "2026-01-09T10:00:00.000000Z",
            "guardian_email": recipient(run, number),
            "guardian_name": "Grace Hopper",
            "student_first_name": "Ada",
            "student_last_name": "Lovelace",
        },
    )


def recipient(run: str, number: int) -> str:
    return f"{run}-{number}@families.example"


def wait_for_school(settings: Settings, timeout: float = 60) -> None:
    connection = db.connect(settings, "notifier")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM t_school WHERE school_id = %s", (SCHOOL_ID,))
                if cursor.fetchone():
                    return
            time.sleep(0.1)
    finally:
        connection.close()
    raise RuntimeError("the worker did not take the school.created event")


# -- what the SMTP server accepted ------------------------------------------------------------


def accepted(mail: MailDirectory, run: str) -> dict[str, float]:
    """recipient -> when the server stored that message (epoch seconds), for one run."""
    times = {}
    for message in mail.messages():
        for address in message.rcpt_tos:
            if address.startswith(f"{run}-"):
                times.setdefault(address, message.received_at.timestamp())
    return times


def wait_for_accepts(mail: MailDirectory, run: str, count: int, timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    seen = accepted(mail, run)
    while len(seen) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        seen = accepted(mail, run)
    return seen


# -- the measurements -------------------------------------------------------------------------


def baseline_smtplib(
    settings: Settings, mail: MailDirectory, sink: subprocess.Popen, count: int
) -> dict:
    """The same receipts, rendered as the notifier renders them, straight to the server."""
    from notifier.adapters.email_message import build_email
    from notifier.domain.templates import TEMPLATES

    config = NotifierConfig()
    composer = build_composer(settings, config)
    source = composer._templates.defaults["receipt"]
    rendered = composer._renderer.render(source, TEMPLATES["receipt"].sample)
    run = f"base{secrets.token_hex(2)}"
    messages = []
    for number in range(count):
        row = {
            "recipient": recipient(run, number),
            "subject": rendered.subject,
            "from_name": "Bench Music School",
            "body_text": rendered.text,
            "body_html": rendered.html,
            "message_id": composer.new_message_id(),
        }
        messages.append(
            (
                row["recipient"],
                build_email(
                    row,
                    settings.mail_from,
                    "http://127.0.0.1/unsubscribe/x",
                    datetime.now(timezone.utc),
                ),
            )
        )
    host, port = settings.smtp.host, settings.smtp.port
    started = time.perf_counter()
    with CpuShare({"smtplib (this process)": [os.getpid()], "mail sink": [sink.pid]}) as cpu:
        with smtplib.SMTP(host, port, timeout=30) as client:
            for address, data in messages:
                client.sendmail(settings.mail_from, [address], data)
    elapsed = time.perf_counter() - started
    return {
        "messages": count,
        "per_s": round(count / elapsed, 1),
        "accepted": len(wait_for_accepts(mail, run, count, 30)),
        "cpu": cpu_per_message(cpu, count),
    }


def fill_send_queue(settings: Settings, run: str, count: int) -> None:
    """`count` receipts written to the send queue by the notifier's consumer in this process
    (as a worker's consumer writes them), none sent yet: no worker runs meanwhile."""
    publisher = Publisher(settings)
    for number in range(count):
        publisher.publish(receipt_event(run, number))
    publisher.close()
    consumer = NotifierConsumer(
        settings, NotifierConfig(), build_composer(settings, NotifierConfig())
    )
    written = threading.Event()
    watcher = threading.Thread(target=_set_when_queued, args=(settings, run, count, written))
    watcher.start()
    consumer.run(written)
    watcher.join()


def _set_when_queued(settings: Settings, run: str, count: int, written: threading.Event) -> None:
    connection = db.connect(settings, "notifier")
    deadline = time.monotonic() + max(120, count / 20)
    try:
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) AS n FROM t_message_log WHERE recipient LIKE %s "
                    "AND status = 'queued'",
                    (f"{run}-%",),
                )
                if cursor.fetchone()["n"] >= count:
                    break
            time.sleep(0.1)
    finally:
        connection.close()
        written.set()


def drain(
    settings: Settings,
    mail: MailDirectory,
    sink: subprocess.Popen,
    run: str,
    count: int,
    workers: int,
) -> dict:
    """Start `workers` worker processes at once; accepts per second until `count` arrived, and
    the CPU each process took from the first accept to the last (per message, in ms)."""
    processes = [start_worker(settings) for _worker in range(workers)]
    timeout = max(60, count / 20)
    try:
        wait_for_accepts(mail, run, 1, timeout)  # the workers are up: their start is not counted
        with CpuShare(cpu_groups(sink, [process.pid for process in processes])) as cpu:
            times = sorted(wait_for_accepts(mail, run, count, timeout).values())
    finally:
        for process in processes:
            stop(process)
    span = times[-1] - times[0] if len(times) > 1 else 0
    per_s = round((len(times) - 1) / span, 1) if span else None
    return {
        "workers": workers,
        "messages": count,
        "accepted": len(times),
        "per_s": per_s,
        "per_worker_per_s": round(per_s / workers, 1) if per_s else None,
        "cpu": cpu_per_message(cpu, len(times)),
    }


def cpu_groups(sink: subprocess.Popen, workers: list[int]) -> dict[str, list[int]]:
    """Every process on the path of a message, this benchmark's own polling included."""
    return {
        "worker": workers,
        "mail sink": [sink.pid],
        "mariadbd": server_pids("mariadbd", "mysqld"),
        "rabbitmq": server_pids("beam.smp"),
        "benchmark": [os.getpid()],
    }


def cpu_per_message(cpu: CpuShare, messages: int) -> dict:
    figures = cpu.figures()
    seconds = figures["wall_seconds"]
    figures["ms_per_message"] = {
        name: round(cores * seconds / messages * 1000, 3) if messages else None
        for name, cores in figures["cores_used"].items()
    }
    return figures


def sending(
    settings: Settings, mail: MailDirectory, sink: subprocess.Popen, count: int, workers: int
) -> dict:
    run = f"send{workers}{secrets.token_hex(2)}"
    fill_send_queue(settings, run, count * workers)
    return drain(settings, mail, sink, run, count * workers, workers)


def events_to_mail(
    settings: Settings, mail: MailDirectory, sink: subprocess.Popen, count: int, workers: int
) -> dict:
    run = f"back{workers}{secrets.token_hex(2)}"
    publisher = Publisher(settings)
    for number in range(count * workers):
        publisher.publish(receipt_event(run, number))
    publisher.close()
    return drain(settings, mail, sink, run, count * workers, workers)


def ratio(part: float | None, whole: float | None) -> float | None:
    return round(part / whole, 2) if part and whole else None


def steady_latency(settings: Settings, mail: MailDirectory, rate: float, seconds: float) -> dict:
    run = f"lat{secrets.token_hex(2)}"
    total = int(rate * seconds)
    worker = start_worker(settings)
    try:
        publisher = Publisher(settings)
        publisher.publish(
            Event.new(
                "selfreg.class.assigned",
                SCHOOL_ID,
                1,
                {"registration_id": 1, "schedule_id": 1, "teacher_id": 1},
            )
        )  # warms the worker up
        time.sleep(2)
        published: dict[str, float] = {}
        started = time.time()
        for number in range(total):
            delay = started + number / rate - time.time()
            if delay > 0:
                time.sleep(delay)
            published[recipient(run, number)] = publisher.publish(receipt_event(run, number))
        publisher.close()
        times = wait_for_accepts(mail, run, total, timeout=60)
    finally:
        stop(worker)
    latencies = [times[address] - at for address, at in published.items() if address in times]
    return {
        "offered_per_s": rate,
        "events": total,
        "accepted": len(latencies),
        **percentiles(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller figures, to try it out")
    args = parser.parse_args()
    backlog, rate, seconds = (500, 50, 4) if args.quick else (5000, 150, 20)

    settings = bench_settings(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    migrations.apply_all(settings, services=("notifier",))
    directory = Path(tempfile.mkdtemp(prefix="edquill-bench-mail-"))
    mail = MailDirectory(directory)
    sink = start_sink(settings, directory)
    result: dict = {
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    try:
        smtplib_rate = baseline_smtplib(settings, mail, sink, backlog)
        result["baseline_smtplib_one_connection"] = smtplib_rate
        publisher = Publisher(settings)
        publisher.publish(school_event())
        publisher.close()
        worker = start_worker(settings)
        wait_for_school(settings)
        stop(worker)
        one, two = (
            sending(settings, mail, sink, backlog, 1),
            sending(settings, mail, sink, backlog, 2),
        )
        result["sending"] = {
            "one_worker": one,
            "two_workers": two,
            "one_worker_over_smtplib": ratio(one["per_s"], smtplib_rate["per_s"]),
            "two_workers_over_one_worker": ratio(two["per_s"], one["per_s"]),
        }
        one, two = (
            events_to_mail(settings, mail, sink, backlog, 1),
            events_to_mail(settings, mail, sink, backlog, 2),
        )
        result["events_to_mail"] = {
            "one_worker": one,
            "two_workers": two,
            "one_worker_over_smtplib": ratio(one["per_s"], smtplib_rate["per_s"]),
            "two_workers_over_one_worker": ratio(two["per_s"], one["per_s"]),
        }
        result["notifier_latency"] = steady_latency(settings, mail, rate, seconds)
    finally:
        stop(sink)
        shutil.rmtree(directory, ignore_errors=True)
        db.drop_database(settings, "notifier")
        delete_broker_objects(settings)
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    share = result["sending"]["one_worker_over_smtplib"] or 0
    gain = result["sending"]["two_workers_over_one_worker"] or 0
    throughput = result["events_to_mail"]["one_worker"].get("per_s") or 0
    p99 = result["notifier_latency"].get("p99_ms", float("inf"))
    result["target"] = {
        "one_worker_over_smtplib": TARGET_SMTPLIB_SHARE,
        "two_workers_over_one_worker": TARGET_TWO_WORKERS_GAIN,
        "events_per_s": TARGET_PER_S,
        "p99_ms": TARGET_P99_MS,
        "met": share >= TARGET_SMTPLIB_SHARE
        and gain >= TARGET_TWO_WORKERS_GAIN
        and throughput >= TARGET_PER_S
        and p99 < TARGET_P99_MS,
    }
    print(json.dumps(result, indent=2))


def delete_broker_objects(settings: Settings) -> None:
    delete_topology(
        settings,
        ConsumerTopology.of(
            settings.exchange,
            NotifierConsumer.NAME,
            NotifierConsumer.BINDINGS,
            NotifierConsumer.DELIVERY_LIMIT,
        ),
    )


if __name__ == "__main__":
    main()
