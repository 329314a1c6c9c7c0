"""Notifier benchmark: events -> messages accepted by an SMTP server, as JSON.

What it measures, on this one machine with the real MariaDB and RabbitMQ, `edquill notifier
worker` as one or two processes and `edquill mailsink` as the SMTP server (loopback, its mail
kept in memory), a fresh sink for each measurement:
  * a baseline first: smtplib sending the same messages straight to a sink on one connection
    (the ceiling the SMTP side allows one sender);
  * sending: a send queue of receipts already written to t_message_log (by the notifier's own
    consumer, in this process, before any worker starts), drained by one worker, then a queue
    twice as long by two workers at once, each with a sink of its own (a relay serves its
    connections in parallel), then by two sharing one sink (one thread serving both);
    messages accepted per second, first accept to last, and per worker;
  * events to mail: the same with a backlog of invoice.paid events (one receipt each) in the
    worker's queue instead, consumed and sent by one worker, then twice as many by two: the
    queue is single active consumer (order per registration), so one of the two consumes while
    the other's consumer stands by, and both send;
  * beside each rate, the CPU per message of every process on the path (workers, sinks,
    mariadbd, rabbitmq, this benchmark): what limits it on this machine;
  * latency: events published at a steady rate while one worker runs; from each publish to
    the SMTP server's accept of its message (p50/p95/p99). Receipts are transactional, so
    quiet hours never hold them.
Ratios beside the figures (one_worker/smtplib, two_workers/one_worker) hold on a busy machine
where the figures do not; the load average before and after is printed with them. Targets: one
worker at least half of what smtplib sends on one connection, for sending and for events to
mail; two workers (a sink each) at least 1.8 times one where both do the work (sending, and
events to mail were the queue not single active consumer); >= 200 events/s into mail; p99
under 1 s.

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
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pika

from bench.cpu import CpuShare, server_pids
from bench.harness import (
    EDQUILL,
    bench_settings,
    delete_topology,
    env_for,
    percentiles,
    stop,
)
from devtools.mail_store import MailDirectory
from devtools.ports import free_port
from devtools.supervision import port_answers
from notifier.bootstrap import build_composer
from notifier.config import NotifierConfig
from notifier.entrypoints.consumer import NotifierConsumer
from shared import db, migrations
from shared.config import Settings
from shared.events import Event
from shared.queues import topology_of

SCHOOL_ID = 1
TARGET_PER_S = 200
# One worker's sending against smtplib's on one connection, and two workers against one.
TARGET_SMTPLIB_SHARE = 0.5
TARGET_TWO_WORKERS_GAIN = 1.8
TARGET_P99_MS = 1000
# How often the benchmark counts what the mail sink stored.
POLL_S = 0.2
# Where the mail sink keeps what it receives: in memory where the machine has a tmpfs. The
# sink stands in for a relay on other machines; creating a file on this machine's disk costs
# it about 0.25 ms of CPU a message (ext4 on a virtual disk), as much as a worker spends on
# one, and that CPU would be taken from the processes measured.
MAIL_DIRECTORY = "/dev/shm" if os.path.isdir("/dev/shm") else None
INVOICE_IDS = itertools.count(1)


# -- set-up -----------------------------------------------------------------------------------


class Sink:
    """`edquill mailsink` on a free port, in a directory of its own: one per measurement (and
    per worker, see drain), so while it runs the benchmark only counts files (reading their
    headers costs as much CPU as a worker spends on a message), and reads who received what
    afterwards. Its `settings` are the benchmark's with the SMTP URL pointing at it."""

    def __init__(self, settings: Settings):
        self.settings = replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}")

    def __enter__(self) -> "Sink":
        self.directory = Path(tempfile.mkdtemp(prefix="edquill-bench-mail-", dir=MAIL_DIRECTORY))
        self.mail = MailDirectory(self.directory)
        self.process = subprocess.Popen(
            [EDQUILL, "--log-level", "WARNING", "mailsink", "--dir", str(self.directory)],
            env=env_for(self.settings),
            stdout=subprocess.DEVNULL,
        )
        port = int(self.settings.smtp_url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 30
        while not port_answers(port):
            if time.monotonic() > deadline:
                stop(self.process)
                raise RuntimeError("the mail sink did not start")
            time.sleep(0.1)
        return self

    def __exit__(self, *_exc) -> None:
        stop(self.process)
        shutil.rmtree(self.directory, ignore_errors=True)

    @property
    def pid(self) -> int:
        return self.process.pid


def wait_for_stored(sinks: list[Sink], count: int, timeout: float) -> int:
    """Until the sinks stored `count` messages between them or the time is up; how many."""
    deadline = time.monotonic() + timeout
    stored = sum(sink.mail.count() for sink in sinks)
    while stored < count and time.monotonic() < deadline:
        time.sleep(POLL_S)
        stored = sum(sink.mail.count() for sink in sinks)
    return stored


def accepted(sinks: list[Sink], run: str) -> dict[str, float]:
    """recipient -> when a sink stored that message (epoch seconds), for one run."""
    times: dict[str, float] = {}
    for sink in sinks:
        for message in sink.mail.messages():
            for address in message.rcpt_tos:
                if address.startswith(f"{run}-"):
                    times.setdefault(address, message.received_at.timestamp())
    return times


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
        topology_of(settings, NotifierConsumer).declare(self.channel)

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


# -- the measurements -------------------------------------------------------------------------


def baseline_smtplib(settings: Settings, count: int) -> dict:
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
    with Sink(settings) as sink:
        host, port = sink.settings.smtp.host, sink.settings.smtp.port
        started = time.perf_counter()
        with CpuShare({"smtplib (this process)": [os.getpid()], "mail sink": [sink.pid]}) as cpu:
            with smtplib.SMTP(host, port, timeout=30) as client:
                for address, data in messages:
                    client.sendmail(settings.mail_from, [address], data)
        elapsed = time.perf_counter() - started
        wait_for_stored([sink], count, 30)
        received = len(accepted([sink], run))
    return {
        "messages": count,
        "per_s": round(count / elapsed, 1),
        "accepted": received,
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


def drain(settings: Settings, run: str, count: int, workers: int, sinks: int) -> dict:
    """Start `workers` worker processes at once, sending to `sinks` mail sinks (each worker its
    own, or all to one); accepts per second until `count` arrived, and the CPU each process
    took from the first accept to the last (per message, in ms).

    A relay serves its connections in parallel (postfix runs an smtpd process for each); the
    mail sink serves all of its connections on one thread, so two workers sending to one sink
    measure the sink as much as the workers. Both are measured: a sink for each worker (the
    relay's side in parallel, as deployed) and one sink for both."""
    timeout = max(60, count / 20)
    with ExitStack() as stack:
        servers = [stack.enter_context(Sink(settings)) for _sink in range(sinks)]
        processes = [start_worker(servers[number % sinks].settings) for number in range(workers)]
        try:
            wait_for_stored(servers, 1, timeout)  # the workers are up: their start is not counted
            groups = cpu_groups([sink.pid for sink in servers], [p.pid for p in processes])
            with CpuShare(groups) as cpu:
                stored = wait_for_stored(servers, count, timeout)
        finally:
            for process in processes:
                stop(process)
        times = sorted(accepted(servers, run).values())
    span = times[-1] - times[0] if len(times) > 1 else 0
    per_s = round((len(times) - 1) / span, 1) if span else None
    return {
        "workers": workers,
        "mail_sinks": sinks,
        "messages": count,
        "accepted": len(times),
        # Messages stored beyond one per recipient: a message sent twice.
        "sent_twice": stored - len(times),
        "per_s": per_s,
        "per_worker_per_s": round(per_s / workers, 1) if per_s else None,
        "cpu": cpu_per_message(cpu, len(times)),
    }


def cpu_groups(sinks: list[int], workers: list[int]) -> dict[str, list[int]]:
    """Every process on the path of a message, this benchmark's own polling included."""
    return {
        "worker": workers,
        "mail sink": sinks,
        "mariadbd": server_pids("mariadbd", "mysqld"),
        "rabbitmq": server_pids("beam.smp"),
        "benchmark": [os.getpid()],
    }


def cpu_per_message(cpu: CpuShare, messages: int) -> dict:
    figures = cpu.figures()
    figures["ms_per_message"] = {
        name: round(seconds / messages * 1000, 3) if messages else None
        for name, seconds in cpu.seconds_used().items()
    }
    return figures


def sending(settings: Settings, count: int, workers: int, sinks: int) -> dict:
    run = f"send{workers}{sinks}{secrets.token_hex(2)}"
    fill_send_queue(settings, run, count * workers)
    return drain(settings, run, count * workers, workers, sinks)


def events_to_mail(settings: Settings, count: int, workers: int, sinks: int) -> dict:
    run = f"back{workers}{sinks}{secrets.token_hex(2)}"
    publisher = Publisher(settings)
    for number in range(count * workers):
        publisher.publish(receipt_event(run, number))
    publisher.close()
    return drain(settings, run, count * workers, workers, sinks)


def one_and_two_workers(measure, settings: Settings, count: int, smtplib_rate: dict) -> dict:
    """`measure` (sending or events_to_mail) for one worker, two with a sink each, and two
    sharing one sink; the ratios to smtplib and to one worker."""
    one = measure(settings, count, 1, 1)
    two = measure(settings, count, 2, 2)
    two_one_sink = measure(settings, count, 2, 1)
    return {
        "one_worker": one,
        "two_workers": two,
        "two_workers_one_sink": two_one_sink,
        "one_worker_over_smtplib": ratio(one["per_s"], smtplib_rate["per_s"]),
        "two_workers_over_one_worker": ratio(two["per_s"], one["per_s"]),
        "two_workers_one_sink_over_one_worker": ratio(two_one_sink["per_s"], one["per_s"]),
    }


def paths_two_workers_share() -> tuple[str, ...]:
    """Sending always; consuming only when the queue lets workers share it."""
    if NotifierConsumer.SINGLE_ACTIVE_CONSUMER:
        return ("sending",)
    return ("sending", "events_to_mail")


def ratio(part: float | None, whole: float | None) -> float | None:
    return round(part / whole, 2) if part and whole else None


def steady_latency(settings: Settings, rate: float, seconds: float) -> dict:
    run = f"lat{secrets.token_hex(2)}"
    total = int(rate * seconds)
    with Sink(settings) as sink:
        worker = start_worker(sink.settings)
        try:
            publisher = Publisher(settings)
            publisher.publish(
                Event.new(
                    "selfreg.class.assigned",
                    SCHOOL_ID,
                    1,
                    {"registration_id": 1, "schedule_id": 1, "teacher_id": 1},
                )
            )  # warms the worker up; it sends no mail
            time.sleep(2)
            published: dict[str, float] = {}
            started = time.time()
            for number in range(total):
                delay = started + number / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
                published[recipient(run, number)] = publisher.publish(receipt_event(run, number))
            publisher.close()
            wait_for_stored([sink], total, timeout=60)
        finally:
            stop(worker)
        times = accepted([sink], run)
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
    result: dict = {
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    try:
        smtplib_rate = baseline_smtplib(settings, backlog)
        result["baseline_smtplib_one_connection"] = smtplib_rate
        publisher = Publisher(settings)
        publisher.publish(school_event())
        publisher.close()
        worker = start_worker(settings)
        wait_for_school(settings)
        stop(worker)
        result["sending"] = one_and_two_workers(sending, settings, backlog, smtplib_rate)
        result["events_to_mail"] = one_and_two_workers(
            events_to_mail, settings, backlog, smtplib_rate
        )
        result["events_to_mail"]["single_active_consumer"] = NotifierConsumer.SINGLE_ACTIVE_CONSUMER
        result["notifier_latency"] = steady_latency(settings, rate, seconds)
    finally:
        db.drop_database(settings, "notifier")
        delete_broker_objects(settings)
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    throughput = result["events_to_mail"]["one_worker"].get("per_s") or 0
    p99 = result["notifier_latency"].get("p99_ms", float("inf"))
    result["target"] = {
        "one_worker_over_smtplib": TARGET_SMTPLIB_SHARE,
        "two_workers_over_one_worker": TARGET_TWO_WORKERS_GAIN,
        "two_workers_over_one_worker_on": list(paths_two_workers_share()),
        "events_per_s": TARGET_PER_S,
        "p99_ms": TARGET_P99_MS,
        # One worker against smtplib on both paths; two against one where two share the work.
        "met": all(
            (result[path]["one_worker_over_smtplib"] or 0) >= TARGET_SMTPLIB_SHARE
            for path in ("sending", "events_to_mail")
        )
        and all(
            (result[path]["two_workers_over_one_worker"] or 0) >= TARGET_TWO_WORKERS_GAIN
            for path in paths_two_workers_share()
        )
        and throughput >= TARGET_PER_S
        and p99 < TARGET_P99_MS,
    }
    print(json.dumps(result, indent=2))


def delete_broker_objects(settings: Settings) -> None:
    delete_topology(
        settings,
        topology_of(settings, NotifierConsumer),
    )


if __name__ == "__main__":
    main()
