"""Watching a RabbitMQ cluster of the test's own (devtools.rabbit_cluster) under load: which
node leads the consumers' queues, what is left in their dead-letter queues, and the figures
of a run (events sent and handled, duplicates suppressed, delivery delays); and the run's
payments, each of which the KPI service adds once and the notifier answers with one receipt."""

from __future__ import annotations

import json
import re
import urllib.request
from collections import Counter
from contextlib import closing
from dataclasses import dataclass

import pika

from devtools.rabbit_cluster import RabbitCluster
from devtools.rabbit_node import RabbitNode
from shared.config import Settings
from shared.queues import consumer_topologies
from tests.support.outbox import outbox_row

_DUPLICATES = re.compile(
    r'^edquill_consumer_events_total\{[^}]*outcome="duplicate"[^}]*\} ([0-9.e+]+)$', re.M
)


def leader_of(cluster: RabbitCluster, queue: str, asking: RabbitNode) -> RabbitNode:
    """The node whose member leads `queue` (a quorum queue), as `asking` sees it."""
    listing = json.loads(asking.ctl("list_queues", "name", "leader", "--formatter", "json"))
    leaders = {row["name"]: row["leader"] for row in listing}
    return next(node for node in cluster.nodes if node.name == leaders[queue])


def members_of(asking: RabbitNode, queue: str) -> list[str]:
    listing = json.loads(asking.ctl("list_queues", "name", "members", "--formatter", "json"))
    return next(row["members"] for row in listing if row["name"] == queue)


def purge_consumer_queues(settings: Settings, amqp_url: str) -> None:
    """Empty every consumer's queue: what an earlier test left unhandled is not this test's."""
    with closing(pika.BlockingConnection(pika.URLParameters(amqp_url))) as connection:
        channel = connection.channel()
        for topology in consumer_topologies(settings):
            channel.queue_purge(topology.queue)


def dead_letter_depths(settings: Settings, amqp_url: str) -> dict[str, int]:
    """Messages waiting in each consumer's dead-letter queue (passive declare: no change)."""
    depths = {}
    with closing(pika.BlockingConnection(pika.URLParameters(amqp_url))) as connection:
        channel = connection.channel()
        for topology in consumer_topologies(settings):
            answer = channel.queue_declare(topology.dead_letter_queue, passive=True)
            depths[topology.dead_letter_queue] = answer.method.message_count
    return depths


def duplicates_suppressed(metrics_port: int) -> int:
    """How many redelivered events a consumer worker recognised and skipped (its /metrics)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return int(sum(float(value) for value in _DUPLICATES.findall(text)))


@dataclass(frozen=True)
class Handled:
    """What one consumer did with the events sent: how many it handled, how many twice, and
    the longest wait between an event's commit and its handling."""

    handled: int
    handled_twice: int
    max_delay_seconds: float


def handled_by(connection, database: str, consumer: str, event_ids: list[str]) -> Handled:
    """One consumer's inbox rows for `event_ids`, read beside the registrar's outbox (same
    server): the inbox's primary key makes a second row impossible, so `handled_twice`
    counts ids seen more than once in what the query returns (none, unless it is wrong)."""
    wanted = set(event_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.event_id, TIMESTAMPDIFF(MICROSECOND, o.created_at, i.handled_at) AS delay "
            f"FROM `{database}`.t_event_inbox i JOIN t_event_outbox o ON o.event_id = i.event_id "
            "WHERE i.consumer = %s",
            (consumer,),
        )
        rows = [row for row in cursor.fetchall() if row["event_id"] in wanted]
    counts = Counter(row["event_id"] for row in rows)
    return Handled(
        handled=len(counts),
        handled_twice=sum(1 for count in counts.values() if count > 1),
        max_delay_seconds=max((row["delay"] for row in rows), default=0) / 1_000_000,
    )


def order_broken(connection, database: str, consumer: str, event_ids: list[str]) -> list[int]:
    """The registrations whose events `consumer` handled out of their commit order."""
    wanted = set(event_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.aggregate_id, i.event_id, i.handled_at "
            f"FROM t_event_outbox o JOIN `{database}`.t_event_inbox i "
            "ON i.event_id = o.event_id AND i.consumer = %s ORDER BY o.id",
            (consumer,),
        )
        last: dict[int, object] = {}
        broken = set()
        for row in cursor.fetchall():
            if row["event_id"] not in wanted:
                continue
            before = last.get(row["aggregate_id"])
            if before is not None and row["handled_at"] < before:
                broken.add(row["aggregate_id"])
            last[row["aggregate_id"]] = row["handled_at"]
    return sorted(broken)


def school_known_to(connection, database: str, consumer: str, school_id: int) -> bool:
    """Whether `consumer` has handled the school.created event of `school_id`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) AS seen FROM `{database}`.t_event_inbox i "
            "JOIN t_event_outbox o ON o.event_id = i.event_id "
            "WHERE i.consumer = %s AND o.event_type = 'school.created' AND o.school_id = %s",
            (consumer, school_id),
        )
        return cursor.fetchone()["seen"] > 0


# Every PAYMENT_EVERY-th event of a run is a payment of PAYMENT_MINOR on an invoice of its own.
PAYMENT_EVERY = 50
PAYMENT_MINOR = 2_500


def payer(n: int) -> str:
    return f"payer-{n}@families.example"


def load_with_payments(school_id: int):
    """A SteadyProducer's row_for: status updates, and every PAYMENT_EVERY-th event an
    invoice.paid for invoice n (a receipt to payer(n), and n's amount on the day's figures)."""

    def row_for(aggregate_id: int, n: int) -> dict:
        if n % PAYMENT_EVERY != PAYMENT_EVERY - 1:
            return outbox_row(aggregate_id, school_id=school_id)
        payload = {
            "registration_id": aggregate_id,
            "invoice_id": n,
            "number": f"INV-{n:06}",
            "amount_minor": PAYMENT_MINOR,
            "currency": "USD",
            "last_payment_method": "card",
            "paid_at": "2026-01-09T10:00:00.000000Z",
            "guardian_email": payer(n),
            "guardian_name": "Grace Hopper",
            "student_first_name": "Ada",
            "student_last_name": "Lovelace",
        }
        return outbox_row(
            aggregate_id, event_type="invoice.paid", payload=payload, school_id=school_id
        )

    return row_for


def payments_sent(connection, event_ids: list[str]) -> list[int]:
    """The invoice ids of the run's invoice.paid events, read back from the outbox."""
    wanted = set(event_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_id, JSON_EXTRACT(payload, '$.invoice_id') AS invoice_id "
            "FROM t_event_outbox WHERE event_type = 'invoice.paid'"
        )
        return [int(row["invoice_id"]) for row in cursor.fetchall() if row["event_id"] in wanted]


def collected_minor(connection, kpi_database: str, school_id: int) -> int:
    """What the KPI service's daily figures say the school collected, over every day."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(collected_minor), 0) AS total "
            f"FROM `{kpi_database}`.t_revenue_daily WHERE school_id = %s",
            (school_id,),
        )
        return int(cursor.fetchone()["total"])
