"""The notifier on the real servers, for tests: its events, a worker in a thread with a clock
the test moves, and what its tables hold."""

from __future__ import annotations

import itertools
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pika

from notifier.bootstrap import NotifierWorker
from notifier.entrypoints.consumer import NotifierConsumer
from shared.config import Settings
from shared.events import Event
from shared.queues import topology_of
from tests.support.consumers import ConsumerQueues

_SCHOOL_IDS = itertools.count(9_000_001)
_REGISTRATION_IDS = itertools.count(70_001)


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime):
        self._now = now
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment

    def advance(self, **delta) -> None:
        with self._lock:
            self._now += timedelta(**delta)


class FastNotifierConsumer(NotifierConsumer):
    """The real consumer with retries and reconnects scaled down to test time."""

    RETRY_FIRST_DELAY = 0.05
    RETRY_MAX_DELAY = 0.2
    RECONNECT_FIRST_DELAY = 0.05
    RECONNECT_MAX_DELAY = 0.5
    IDLE_POLL_SECONDS = 0.2


class WorkerThread:
    def __init__(self, worker: NotifierWorker):
        self.worker = worker
        self.stopping = threading.Event()
        self._thread = threading.Thread(
            target=worker.run, args=(self.stopping,), daemon=True, name="notifier-worker"
        )

    def start(self) -> "WorkerThread":
        self._thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the notifier worker did not stop"


class Family:
    """Events about one family's registration at one school, as the registrar emits them."""

    def __init__(self, school_id: int, email: str, **names):
        self.school_id = school_id
        self.email = email
        self.registration_id = next(_REGISTRATION_IDS)
        self.names = names

    def event(self, event_type: str, occurred_at: datetime | None = None, **payload) -> Event:
        return Event.new(
            event_type,
            self.school_id,
            self.registration_id,
            {
                "registration_id": self.registration_id,
                "guardian_email": self.email,
                **self.names,
                **payload,
            },
            occurred_at=occurred_at,
        )

    def submitted(self, consent: bool, **extra) -> Event:
        return self.event("selfreg.submitted", status="pending", consent_email=consent, **extra)

    def needs_info(
        self,
        note: str = "Please send the birth certificate.",
        missing: str = '["birth certificate"]',
        **extra,
    ) -> Event:
        return self.event(
            "selfreg.status.updated",
            from_status="in_review",
            to_status="needs_info",
            note=note,
            missing=missing,
            **extra,
        )

    def moved(self, from_status: str, to_status: str, **extra) -> Event:
        return self.event(
            "selfreg.status.updated", from_status=from_status, to_status=to_status, **extra
        )

    def invoice_issued(
        self,
        invoice_id: int,
        *,
        send_invoice: bool = True,
        send_autopay_link: bool = True,
        autopay_link_expires_at: str = "2026-01-19T10:00:00.000000Z",
        **extra,
    ) -> Event:
        return self.event(
            "invoice.issued",
            invoice_id=invoice_id,
            number=f"INV-{invoice_id:04}",
            amount_minor=25000,
            currency="USD",
            lines=[{"label": "Tuition: Piano", "amount_minor": 25000}],
            issued_at="2026-01-05T10:00:00.000000Z",
            send_invoice=send_invoice,
            send_autopay_link=send_autopay_link,
            autopay_link_expires_at=autopay_link_expires_at if send_autopay_link else None,
            **extra,
        )

    def invoice_paid(self, invoice_id: int, **extra) -> Event:
        return self.event(
            "invoice.paid",
            invoice_id=invoice_id,
            number=f"INV-{invoice_id:04}",
            amount_minor=25000,
            currency="USD",
            last_payment_method="card",
            paid_at="2026-01-09T10:00:00.000000Z",
            **extra,
        )

    def welcome_requested(self, student_id: int, **extra) -> Event:
        return self.event(
            "selfreg.welcome.requested",
            student_id=student_id,
            program="music",
            **{
                "class": {
                    "schedule_id": 3,
                    "name": "Piano",
                    "weekday": 0,
                    "start_time": "16:00",
                    "end_time": "17:00",
                    "starts_on": "2026-01-05",
                    "room": "Room 4",
                }
            },
            **extra,
        )


def new_school_id() -> int:
    return next(_SCHOOL_IDS)


def school_created(
    school_id: int,
    *,
    name: str = "Sunrise Music School",
    timezone_name: str = "UTC",
    default_language: str = "en",
) -> Event:
    return Event.new(
        "school.created",
        school_id,
        school_id,
        {
            "school_id": school_id,
            "name": name,
            "slug": f"sunrise-{school_id}",
            "timezone": timezone_name,
            "currency": "USD",
            "default_language": default_language,
        },
        aggregate_type="school",
    )


def notifier_queues(settings: Settings) -> ConsumerQueues:
    """The notifier's queue and dead queue, declared as the consumer declares them."""
    return ConsumerQueues(
        settings.amqp_url,
        topology_of(settings, NotifierConsumer),
    )


def purge_queues(settings: Settings, queues: ConsumerQueues) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    channel = connection.channel()
    for queue in (queues.topology.queue, queues.topology.dead_letter_queue):
        channel.queue_purge(queue)
    connection.close()


NOTIFIER_TABLES = (
    "t_message_log",
    "t_reminder",
    "t_consent",
    "t_registration_consent",
    "t_consent_confirmation",
    "t_consent_history",
    "t_message_template",
    "t_school_notice_settings",
    "t_school",
    "t_event_inbox",
)


def empty_notifier_tables(connection) -> None:
    with connection.cursor() as cursor:
        for table in NOTIFIER_TABLES:
            # Table names from the tuple above, never from input.
            cursor.execute(f"DELETE FROM {table}")


def notifier_knows_school(connection, school_id: int) -> bool:
    """Whether the notifier has learnt of the school (its school.created event)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM t_school WHERE school_id = %s", (school_id,))
        return cursor.fetchone() is not None


def messages_of(connection, school_id: int) -> list[dict]:
    """The school's message log, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM t_message_log WHERE school_id = %s ORDER BY id", (school_id,))
        return list(cursor.fetchall())


def statuses_of(connection, school_id: int) -> list[tuple[str, str]]:
    return [(row["template_key"], row["status"]) for row in messages_of(connection, school_id)]


def reminders_of(connection, school_id: int) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM t_reminder WHERE school_id = %s ORDER BY id", (school_id,))
        return list(cursor.fetchall())


def consent_of(connection, school_id: int, recipient: str) -> dict[str, dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM t_consent WHERE school_id = %s AND recipient = %s",
            (school_id, recipient),
        )
        return {row["purpose"]: row for row in cursor.fetchall()}


def registration_consent_of(connection, school_id: int, registration_id: int) -> dict[str, dict]:
    """What the registration's form said, by purpose."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM t_registration_consent WHERE school_id = %s AND registration_id = %s",
            (school_id, registration_id),
        )
        return {row["purpose"]: row for row in cursor.fetchall()}


def consent_history_of(connection, school_id: int, recipient: str) -> list[dict]:
    """Every consent decision about the address at the school, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM t_consent_history WHERE school_id = %s AND recipient = %s ORDER BY id",
            (school_id, recipient),
        )
        return list(cursor.fetchall())


def confirmations_of(connection, school_id: int, recipient: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM t_consent_confirmation WHERE school_id = %s "
            "AND recipient = %s ORDER BY id",
            (school_id, recipient),
        )
        return list(cursor.fetchall())


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def unique_email(prefix: str = "parent") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@families.example"
