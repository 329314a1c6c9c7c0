"""Outbox relay benchmark: end-to-end latency and backlog drain, with baselines, as JSON.

What it measures, all on this one machine with the real MariaDB and RabbitMQ:
  * latency from an event's commit in t_event_outbox to its arrival at a consumer (p50/p95/p99)
    at 200, 1,000 and 2,000 events/s offered, with one and with two relays;
  * the rate at which two relays drain a backlog of 100,000 events;
  * relay scaling: the same backlog drained by 1, 2 and 4 relays, with the CPU each part used
    meanwhile (relays, mariadbd, RabbitMQ, the benchmark's consumer) and whether the machine's
    cores were all busy: what limits the drain here;
  * how long `edquill outbox partitions --set N` takes on that outbox (it rewrites the table);
  * baselines in the same run: pika publishing the same messages with windowed confirms straight
    to the broker (the ceiling), and the relay with the runbook's settings (batch 50, sleep 250 ms);
all with at least 200,000 already-processed rows in the outbox, as a long-running system has.

    .venv/bin/python -m bench.outbox [--quick] > result.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import queue
import random
import subprocess
import time
import uuid
from contextlib import contextmanager
from datetime import datetime

import pika

from bench.cpu import CpuShare, server_pids
from bench.harness import EDQUILL, bench_settings, drop_databases, env_for, log, percentiles
from bench.server_facts import server_facts
from outbox_relay.adapters.publisher import ConfirmingPublisher
from outbox_relay.domain.messages import Message
from shared import db, migrations
from shared.config import Settings
from shared.events import Event

# Registrations the synthetic events belong to: enough that a batch rarely holds two events of
# one registration, as in a real district.
REGISTRATIONS = 100_000
INSERT_CHUNK = 5_000
# The producer wakes this often and commits what has come due since: 2 ms keeps the offered
# load smooth at 2,000/s (about four events per commit) without a core spent on pacing.
TICK_SECONDS = 0.002
# Relay counts of the scaling step; the shipped 16 partitions share out evenly among each.
RELAY_COUNTS = (1, 2, 4)
SHIPPED_PARTITIONS = 16


# -- set-up ---------------------------------------------------------------------------------


def event_row(run: str, processed: bool) -> tuple:
    registration = random.randint(1, REGISTRATIONS)
    payload = {
        "registration_id": registration,
        "from_status": "pending",
        "to_status": "in_review",
        "bench_run": run,
    }
    return (
        str(uuid.uuid4()),
        "selfreg.status.updated",
        1,
        registration,
        json.dumps(payload),
        1 if processed else 0,
    )


def bulk_insert(settings: Settings, count: int, run: str, processed: bool) -> None:
    connection = db.connect(settings, "registrar")
    with connection.cursor() as cursor:
        for start in range(0, count, INSERT_CHUNK):
            rows = [event_row(run, processed) for _ in range(min(INSERT_CHUNK, count - start))]
            cursor.executemany(
                "INSERT INTO t_event_outbox (event_id, event_type, school_id, aggregate_id, "
                "payload, created_at, processed_at) VALUES (%s, %s, %s, %s, %s, "
                "UTC_TIMESTAMP(6), IF(%s, UTC_TIMESTAMP(6), NULL))",
                rows,
            )
    connection.close()


def unprocessed(settings: Settings) -> int:
    connection = db.connect(settings, "registrar")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) AS n FROM t_event_outbox "
            "WHERE processed_at IS NULL AND dead_at IS NULL"
        )
        count = cursor.fetchone()["n"]
    connection.close()
    return count


# -- the consumer: a separate process that timestamps every arrival ---------------------------


def consume(amqp_url: str, exchange: str, queue_name: str, out: mp.Queue, ready) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.exchange_declare(exchange, "topic", durable=True)
    channel.queue_declare(queue_name, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(queue_name, exchange, "#")
    channel.basic_qos(prefetch_count=2000)
    pending: list[tuple[str, str, float]] = []
    last_tag = 0

    def on_message(_channel, method, _properties, body):
        nonlocal last_tag
        arrived = time.time()
        event = json.loads(body)
        occurred = datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))
        pending.append(
            (
                event["payload"].get("bench_run", ""),
                event["event_id"],
                arrived - occurred.timestamp(),
            )
        )
        last_tag = method.delivery_tag
        if len(pending) >= 500:
            flush()

    def flush():
        nonlocal last_tag
        if last_tag:
            channel.basic_ack(last_tag, multiple=True)
            last_tag = 0
        if pending:
            out.put(list(pending))
            pending.clear()

    def flush_every_50ms():
        flush()
        connection.call_later(0.05, flush_every_50ms)

    channel.basic_consume(queue_name, on_message)
    ready.set()
    connection.call_later(0.05, flush_every_50ms)
    channel.start_consuming()


class Arrivals:
    def __init__(self, settings: Settings):
        self._queue: mp.Queue = mp.Queue()
        ready = mp.Event()
        self.queue_name = f"{settings.exchange}.bench"
        self._process = mp.Process(
            target=consume,
            daemon=True,
            args=(settings.amqp_url, settings.exchange, self.queue_name, self._queue, ready),
        )
        self._process.start()
        ready.wait(30)
        self.by_run: dict[str, dict[str, float]] = {}

    def drain(self) -> None:
        while True:
            try:
                chunk = self._queue.get_nowait()
            except queue.Empty:
                return
            for run, event_id, latency in chunk:
                self.by_run.setdefault(run, {}).setdefault(event_id, latency)

    def wait_for(self, run: str, count: int, timeout: float) -> dict[str, float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            if len(self.by_run.get(run, {})) >= count:
                break
            time.sleep(0.05)
        return self.by_run.get(run, {})

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        self._process.terminate()


# -- producers: separate processes committing one event per transaction at a paced rate -------


def produce(settings: Settings, run: str, rate: float, count: int, start_at: float) -> None:
    """Commit events at `rate`/s: every TICK_SECONDS, the events that have come due go in one
    multi-row INSERT (one transaction), as several web requests committing at once would."""
    connection = db.connect(settings, "registrar")
    cursor = connection.cursor()
    sent = 0
    while sent < count:
        due = min(count, int((time.time() - start_at) * rate))
        if due <= sent:
            time.sleep(TICK_SECONDS)
            continue
        rows = [event_row(run, False)[:5] for _ in range(due - sent)]
        cursor.execute(
            "INSERT INTO t_event_outbox (event_id, event_type, school_id, aggregate_id, payload, "
            "created_at) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s, UTC_TIMESTAMP(6))"] * len(rows)),
            [value for row in rows for value in row],
        )
        sent = due
    connection.close()


def offer_load(settings: Settings, arrivals: Arrivals, run: str, rate: int, seconds: float) -> dict:
    total = int(rate * seconds)
    start_at = time.time() + 0.5
    producer = mp.Process(target=produce, args=(settings, run, rate, total, start_at))
    producer.start()
    producer.join()
    produced_seconds = time.time() - start_at
    latencies = sorted(arrivals.wait_for(run, total, timeout=60).values())
    return {
        "offered_per_s": rate,
        "events": total,
        "achieved_offer_per_s": round(total / produced_seconds, 1),
        "received": len(latencies),
        "lost": total - len(latencies),
        **percentiles(latencies),
    }


# -- relays ---------------------------------------------------------------------------------


@contextmanager
def relays(settings: Settings, count: int, batch_size: int = 500, sleep_ms: int = 50):
    processes = [
        subprocess.Popen(
            [
                EDQUILL,
                "--log-level",
                "WARNING",
                "outbox",
                "worker",
                "--batch-size",
                str(batch_size),
                "--sleep-ms",
                str(sleep_ms),
                "--lease-seconds",
                "3",
            ],
            env=env_for(settings),
        )
        for _ in range(count)
    ]
    try:
        wait_for_balanced_leases(settings, count)
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


def wait_for_balanced_leases(settings: Settings, count: int, timeout: float = 30) -> None:
    connection = db.connect(settings, "registrar")
    deadline = time.monotonic() + timeout
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) AS n FROM t_outbox_partition_lease")
            share = cursor.fetchone()["n"] // count
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT owner, COUNT(*) AS n FROM t_outbox_partition_lease "
                    "WHERE owner IS NOT NULL AND lease_until > UTC_TIMESTAMP(6) "
                    "GROUP BY owner"
                )
                owned = [row["n"] for row in cursor.fetchall()]
            if len(owned) == count and all(n == share for n in owned):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{count} relays did not share the partitions within {timeout}s")
    finally:
        connection.close()


def drain_backlog(
    settings: Settings, arrivals: Arrivals, run: str, count: int, relay_count: int, **relay_options
) -> dict:
    bulk_insert(settings, count, run, processed=False)
    started = time.monotonic()
    with relays(settings, relay_count, **relay_options) as processes:
        parts = {
            "relays": [process.pid for process in processes],
            "mariadbd": server_pids("mariadbd", "mysqld"),
            "rabbitmq": server_pids("beam.smp"),
            "bench_consumer": [arrivals.pid],
        }
        with CpuShare(parts) as cpu:
            while unprocessed(settings) > 0 and time.monotonic() - started < 600:
                time.sleep(0.1)
        wall = time.monotonic() - started
    connection = db.connect(settings, "registrar")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(processed_at), MAX(processed_at)) AS span "
            "FROM t_event_outbox WHERE JSON_UNQUOTE(JSON_EXTRACT(payload, '$.bench_run')) = %s",
            (run,),
        )
        span = cursor.fetchone()["span"] / 1e6
    connection.close()
    received = arrivals.wait_for(run, count, timeout=120)
    return {
        "events": count,
        "relays": relay_count,
        **relay_options,
        "drain_per_s": round(count / span, 1),
        "wall_seconds_incl_start": round(wall, 2),
        "received": len(received),
        "lost": count - len(received),
        "cpu": cpu.figures(),
    }


def relay_scaling(settings: Settings, arrivals: Arrivals, backlog: int) -> dict:
    steps = []
    for relay_count in RELAY_COUNTS:
        step = drain_backlog(settings, arrivals, f"scale-{relay_count}", backlog, relay_count)
        log_figures(f"scaling {relay_count}", step)
        steps.append(step)
    return {"steps": steps, "limit": scaling_limit(steps)}


def scaling_limit(steps: list[dict]) -> str:
    """What held the drain back, in words, from the CPU each part used."""
    first, last = steps[0], steps[-1]
    gain = last["drain_per_s"] / first["drain_per_s"]
    cpu = last["cpu"]
    shares = ", ".join(f"{name} {used}" for name, used in cpu["cores_used"].items())
    verdict = (
        f"every core was busy ({cpu['machine_cores_busy']} of {cpu['cores']}): the relays share "
        f"the machine with mariadbd and RabbitMQ, so more relays cannot add CPU"
        if cpu["cpu_bound"]
        else f"the cores were not all busy ({cpu['machine_cores_busy']} of {cpu['cores']}): "
        f"the limit is waiting (commits, confirms), not CPU"
    )
    return (
        f"{last['relays']} relays drain {gain:.2f}x what 1 does; with {last['relays']}, cores "
        f"used: {shares}; busiest: {cpu['busiest']}; {verdict}"
    )


def repartition_seconds(settings: Settings, count: int) -> dict:
    """`edquill outbox partitions --set N` there and back, with no relay running."""
    timings = {}
    for partitions in (count, SHIPPED_PARTITIONS):
        started = time.perf_counter()
        subprocess.run(
            [EDQUILL, "outbox", "partitions", "--set", str(partitions)],
            env=env_for(settings),
            check=True,
            capture_output=True,
        )
        timings[f"to_{partitions}"] = round(time.perf_counter() - started, 2)
    connection = db.connect(settings, "registrar")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM t_event_outbox")
        rows = cursor.fetchone()["n"]
    connection.close()
    return {"outbox_rows": rows, "seconds": timings}


# -- baseline: pika straight to the broker with windowed confirms ----------------------------


def direct_publish_rate(
    settings: Settings, arrivals: Arrivals, run: str, count: int, window: int
) -> dict:
    publisher = ConfirmingPublisher(settings.amqp_url, settings.exchange)
    publisher.connect()
    messages = [direct_message(run) for _ in range(count)]
    started = time.perf_counter()
    for start in range(0, count, window):
        outcome = publisher.publish_batch(messages[start : start + window], timeout=30)
        assert not (outcome.refused or outcome.nacked or outcome.unconfirmed), outcome
    elapsed = time.perf_counter() - started
    publisher.close()
    received = arrivals.wait_for(run, count, timeout=60)
    return {
        "messages": count,
        "window": window,
        "publish_per_s": round(count / elapsed, 1),
        "received": len(received),
    }


def direct_publish_latency(
    settings: Settings, arrivals: Arrivals, run: str, rate: int, seconds: float
) -> dict:
    """Paced publishing: every loop publishes what has come due, confirms windowed."""
    publisher = ConfirmingPublisher(settings.amqp_url, settings.exchange)
    publisher.connect()
    total = int(rate * seconds)
    sent = 0
    started = time.time()
    while sent < total:
        due = min(total, int((time.time() - started) * rate) + 1)
        if due > sent:
            publisher.publish_batch([direct_message(run) for _ in range(due - sent)], timeout=30)
            sent = due
        else:
            time.sleep(0.0005)
    publisher.close()
    latencies = sorted(arrivals.wait_for(run, total, timeout=60).values())
    return {
        "offered_per_s": rate,
        "events": total,
        "received": len(latencies),
        **percentiles(latencies),
    }


def direct_message(run: str) -> Message:
    event = Event.new(
        "selfreg.status.updated",
        1,
        random.randint(1, REGISTRATIONS),
        {
            "registration_id": 1,
            "from_status": "pending",
            "to_status": "in_review",
            "bench_run": run,
        },
    )
    return Message(event.event_id, event.event_type, event.to_json(), int(time.time()))


# -- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller figures, to try it out")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load step")
    args = parser.parse_args()
    prefill, backlog, seconds = 200_000, 100_000, args.seconds
    if args.quick:
        prefill, backlog, seconds = 20_000, 10_000, 3.0

    settings = bench_settings()
    migrations.apply_all(settings, services=("registrar",))
    arrivals = Arrivals(settings)
    result: dict = {"server": server_facts(settings), "processed_rows_before": prefill}
    try:
        bulk_insert(settings, prefill, "prefill", processed=True)
        result["latency"] = []
        for relay_count in (1, 2):
            with relays(settings, relay_count):
                for rate in (200, 1000, 2000):
                    run = f"lat-{relay_count}-{rate}"
                    step = offer_load(settings, arrivals, run, rate, seconds)
                    result["latency"].append({"relays": relay_count, **step})
                    log_figures(run, step)
        result["backlog"] = drain_backlog(settings, arrivals, "backlog", backlog, 2)
        log_figures("backlog", result["backlog"])
        result["relay_scaling"] = relay_scaling(settings, arrivals, backlog)
        result["repartition"] = repartition_seconds(settings, 32)
        log_figures("repartition", result["repartition"])

        baselines: dict = {}
        baselines["direct_pika_publish"] = direct_publish_rate(
            settings, arrivals, "direct-rate", backlog, window=500
        )
        log_figures("direct rate", baselines["direct_pika_publish"])
        baselines["direct_pika_latency"] = [
            direct_publish_latency(settings, arrivals, f"direct-lat-{rate}", rate, seconds)
            for rate in (1000, 2000)
        ]
        log_figures("direct latency", baselines["direct_pika_latency"])
        with relays(settings, 1, batch_size=50, sleep_ms=250):
            baselines["runbook_settings_latency_1000"] = offer_load(
                settings, arrivals, "runbook-lat", 1000, seconds
            )
        log_figures("runbook latency", baselines["runbook_settings_latency_1000"])
        baselines["runbook_settings_backlog"] = drain_backlog(
            settings, arrivals, "runbook-backlog", backlog, 2, batch_size=50, sleep_ms=250
        )
        log_figures("runbook backlog", baselines["runbook_settings_backlog"])
        result["baselines"] = baselines
        result["ratios"] = ratios(result)
        result["targets"] = targets(result)
    finally:
        arrivals.stop()
        drop_databases(settings)
        cleanup_broker(settings, arrivals.queue_name)
    print(json.dumps(result, indent=2))


def ratios(result: dict) -> dict:
    base = result["baselines"]
    by = {(r["relays"], r["offered_per_s"]): r for r in result["latency"]}
    direct = {r["offered_per_s"]: r for r in base["direct_pika_latency"]}
    return {
        "backlog_drain_vs_direct_publish": round(
            result["backlog"]["drain_per_s"] / base["direct_pika_publish"]["publish_per_s"], 3
        ),
        **{
            f"drain_{step['relays']}_relays_vs_direct_publish": round(
                step["drain_per_s"] / base["direct_pika_publish"]["publish_per_s"], 3
            )
            for step in result["relay_scaling"]["steps"]
        },
        "backlog_drain_vs_runbook_settings": round(
            result["backlog"]["drain_per_s"] / base["runbook_settings_backlog"]["drain_per_s"], 2
        ),
        "p99_1000_one_relay_vs_direct": round(by[(1, 1000)]["p99_ms"] / direct[1000]["p99_ms"], 2),
        "p50_1000_runbook_vs_ours": round(
            base["runbook_settings_latency_1000"]["p50_ms"] / by[(1, 1000)]["p50_ms"], 1
        ),
    }


def targets(result: dict) -> dict:
    rows = result["latency"]
    at = lambda rate: [r for r in rows if r["offered_per_s"] == rate]  # noqa: E731
    return {
        "1000/s p50 <= 15 ms": all(r["p50_ms"] <= 15 for r in at(1000)),
        "1000/s p99 <= 60 ms": all(r["p99_ms"] <= 60 for r in at(1000)),
        "2000/s p99 <= 100 ms": all(r["p99_ms"] <= 100 for r in at(2000)),
        "backlog >= 5000/s": result["backlog"]["drain_per_s"] >= 5000,
        "nothing lost": all(r["lost"] == 0 for r in rows) and result["backlog"]["lost"] == 0,
    }


def log_figures(step: str, figures) -> None:
    log(f"{step}: {json.dumps(figures)}")


def cleanup_broker(settings: Settings, queue_name: str) -> None:
    try:
        connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        channel = connection.channel()
        channel.queue_delete(queue_name)
        channel.exchange_delete(settings.exchange)
        connection.close()
    except pika.exceptions.AMQPError:
        pass


if __name__ == "__main__":
    main()
