"""The KPI service in tests: events as the registrar emits them (with chosen times), the KPI
worker in a thread on a queue of the test's own, and the KPI tables read back by school."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from kpi.entrypoints.consumer import KpiConsumer
from shared import db
from shared.config import Settings
from shared.events import Event, format_timestamp
from tests.support.consumers import ConsumerQueues, ConsumerThread, outcomes
from tests.support.waiting import wait_until

SCHOOL = "school"


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def new_school_id() -> int:
    """An id no other test uses (the KPI service learns schools from events only)."""
    return 10**9 + secrets.randbelow(10**9)


# -- events as the registrar emits them ------------------------------------------------------


def school_created(
    school_id: int,
    *,
    timezone_name: str = "UTC",
    currency: str = "USD",
    event_type: str = "school.created",
    at: datetime | None = None,
) -> Event:
    return Event.new(
        event_type,
        school_id,
        school_id,
        {
            "school_id": school_id,
            "name": f"School {school_id}",
            "slug": f"s-{school_id}",
            "timezone": timezone_name,
            "currency": currency,
        },
        aggregate_type=SCHOOL,
        occurred_at=at,
    )


def submitted(
    school_id: int, registration_id: int, at: datetime, source: str | None = None
) -> Event:
    return Event.new(
        "selfreg.submitted",
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "status": "pending",
            "source": source,
            "submitted_at": format_timestamp(at),
        },
        occurred_at=at,
    )


def status_changed(
    school_id: int, registration_id: int, from_status: str, to_status: str, at: datetime
) -> Event:
    return Event.new(
        "selfreg.status.updated",
        school_id,
        registration_id,
        {"registration_id": registration_id, "from_status": from_status, "to_status": to_status},
        occurred_at=at,
    )


def converted(school_id: int, registration_id: int, at: datetime) -> Event:
    return Event.new(
        "selfreg.converted",
        school_id,
        registration_id,
        {"registration_id": registration_id, "student_id": registration_id + 1000},
        occurred_at=at,
    )


def invoice_event(
    event_type: str,
    school_id: int,
    registration_id: int,
    invoice_id: int,
    amount_minor,
    at: datetime,
    currency: str = "USD",
) -> Event:
    moment_field = {"invoice.issued": "issued_at", "invoice.paid": "paid_at"}[event_type]
    return Event.new(
        event_type,
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "invoice_id": invoice_id,
            "amount_minor": amount_minor,
            "currency": currency,
            moment_field: format_timestamp(at),
        },
        occurred_at=at,
    )


def autopay_enrolled(school_id: int, registration_id: int, invoice_id: int, at: datetime) -> Event:
    return Event.new(
        "invoice.autopay.enrolled",
        school_id,
        registration_id,
        {"registration_id": registration_id, "invoice_id": invoice_id},
        occurred_at=at,
    )


# -- the worker ------------------------------------------------------------------------------


class FastKpiConsumer(KpiConsumer):
    """The KPI consumer with retries and reconnects shortened to a fraction of a second."""

    RETRY_FIRST_DELAY = 0.05
    RETRY_MAX_DELAY = 0.2
    RECONNECT_FIRST_DELAY = 0.05
    RECONNECT_MAX_DELAY = 0.5
    IDLE_POLL_SECONDS = 0.2


def kpi_consumer_class(**constants) -> type[KpiConsumer]:
    """A KPI consumer with a name of its own, so its metrics count this test's deliveries only."""
    name = f"kpi-{secrets.token_hex(4)}"
    return type(f"KpiConsumer_{name}", (FastKpiConsumer,), {"NAME": name, **constants})


@dataclass
class RunningKpi:
    consumer: KpiConsumer
    queues: ConsumerQueues
    thread: ConsumerThread | None = None
    published: int = 0

    def publish(self, *events: Event) -> None:
        for event in events:
            self.queues.publish_event(event)
            self.published += 1

    def start(self) -> "RunningKpi":
        self.thread = ConsumerThread(self.consumer).start()
        return self

    def count(self, outcome: str) -> int:
        """Deliveries that ended (so far) as `outcome`: handled, duplicate, retried..."""
        return int(outcomes(self.consumer).get(outcome, 0))

    def settled(self) -> int:
        counts = outcomes(self.consumer)
        return int(
            sum(counts.get(outcome, 0) for outcome in ("handled", "duplicate", "dead_lettered"))
        )

    def wait_until_settled(self, timeout: float = 30) -> None:
        """Until every delivery published so far has been handled, skipped or dead-lettered."""
        wait_until(
            lambda: self.settled() >= self.published,
            timeout,
            what=f"{self.published} deliveries to settle",
        )

    def stop(self) -> None:
        try:
            if self.thread is not None:
                self.thread.stop()
        finally:
            self.queues.delete()


def kpi_worker(settings: Settings, **constants) -> RunningKpi:
    """A KPI consumer on an exchange of its own, its queues declared, not started yet (publish
    first to have whole batches)."""
    own = replace(settings, exchange=f"{settings.exchange}.{secrets.token_hex(3)}")
    consumer = kpi_consumer_class(**constants)(own)
    return RunningKpi(consumer, ConsumerQueues(own.amqp_url, consumer.topology))


# -- the tables ------------------------------------------------------------------------------

_TABLES = {
    "marketing": "SELECT day, leads, reviews_started, info_requests, approvals, rejections, "
    "enrollments, withdrawals, median_hours_to_decision FROM t_marketing_kpi_daily "
    "WHERE school_id = %s ORDER BY day",
    "sources": "SELECT day, source, leads FROM t_marketing_kpi_source_daily "
    "WHERE school_id = %s ORDER BY day, source",
    "revenue": "SELECT day, currency, invoiced_minor, collected_minor, outstanding_minor, "
    "autopay_enrollments FROM t_revenue_daily WHERE school_id = %s ORDER BY day",
    "decision_times": "SELECT day, durations_us FROM t_kpi_decision_times_daily "
    "WHERE school_id = %s ORDER BY day",
}


class KpiTables:
    """The KPI daily tables of one school, read back as plain rows."""

    def __init__(self, settings: Settings):
        self._settings = settings

    def rows(self, school_id: int) -> dict[str, list[dict]]:
        connection = db.connect(self._settings, "kpi")
        try:
            found = {}
            with connection.cursor() as cursor:
                for table, statement in _TABLES.items():
                    cursor.execute(statement, (school_id,))
                    found[table] = list(cursor.fetchall())
            return found
        finally:
            connection.close()

    def marketing(self, school_id: int) -> dict[date, dict]:
        return {row.pop("day"): row for row in self.rows(school_id)["marketing"]}

    def revenue(self, school_id: int) -> dict[date, dict]:
        return {row.pop("day"): row for row in self.rows(school_id)["revenue"]}

    def sources(self, school_id: int) -> dict[date, dict[str, int]]:
        found: dict[date, dict[str, int]] = {}
        for row in self.rows(school_id)["sources"]:
            found.setdefault(row["day"], {})[row["source"]] = row["leads"]
        return found

    def ledger_entries(self, school_id: int) -> int:
        connection = db.connect(self._settings, "kpi")
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) AS n FROM t_kpi_event_ledger WHERE school_id = %s",
                    (school_id,),
                )
                return cursor.fetchone()["n"]
        finally:
            connection.close()

    def execute(self, statement: str, params=()) -> None:
        connection = db.connect(self._settings, "kpi")
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
        finally:
            connection.close()


def outbox_events(registrar_db, school_id: int) -> list[Event]:
    """The school's events in the registrar's outbox, in commit order, as the relay publishes
    them (the relay itself is tested on its own)."""
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT event_id, event_type, school_id, aggregate_type, aggregate_id, "
            "payload, created_at FROM t_event_outbox WHERE school_id = %s ORDER BY id",
            (school_id,),
        )
        rows = list(cursor.fetchall())
    return [
        Event(
            row["event_id"],
            row["event_type"],
            row["school_id"],
            row["aggregate_type"],
            row["aggregate_id"],
            row["created_at"].replace(tzinfo=timezone.utc),
            json.loads(row["payload"]),
        )
        for row in rows
    ]
