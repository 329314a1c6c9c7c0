"""The dashboard in tests: the services behind it served as real processes, events as the
registrar emits them (with names and the school snapshot), the dashboard's consumer in a
thread on the session's exchange, the dashboard's app on a clock of the test's, and a loopback
HTTP server that answers too slowly."""

from __future__ import annotations

import http.server
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timezone

import pika
from werkzeug.serving import make_server

from dashboard.config import DashboardConfig
from dashboard.entrypoints.app import create_app
from dashboard.entrypoints.consumer import DashboardConsumer
from shared.config import Settings
from shared.events import Event, format_timestamp
from tests.support.consumers import ConsumerThread, outcomes
from tests.support.waiting import wait_until


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# -- services as processes -------------------------------------------------------------------


class SlowServer:
    """Answers every request only after `delay` seconds, on a loopback port of its own: with a
    503 (a KPI service that hangs), or, given `forward_to`, with what that server answers (a
    KPI service that is slow but right)."""

    def __init__(self, delay: float, forward_to: str | None = None):
        release = self._release = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                release.wait(delay)
                status, body = 503, b'{"error": {"code": "late", "message": "too late"}}'
                if forward_to:
                    status, body = _forward(forward_to + self.path, self.headers)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up first

            def log_message(self, *_args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()


class DashboardOnClock:
    """The dashboard's own app over HTTP on a loopback port, its clock injected: the rail
    measures each wait from `clock()`, so a request asked an hour ago can be days old to it.
    (`edquill serve dashboard` takes no clock; everything else is the app as served.) `port`:
    a port chosen before, where another service already expects the dashboard."""

    def __init__(
        self,
        settings: Settings,
        clock: Callable[[], datetime],
        config: DashboardConfig,
        port: int = 0,
    ):
        app = create_app(settings, {"DASHBOARD_CLOCK": clock, "DASHBOARD_CONFIG": config})
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _forward(url: str, headers) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accesstoken": headers["Accesstoken"]})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# -- events as the registrar emits them ------------------------------------------------------


def snapshot(school_id: int, timezone_name: str = "UTC") -> dict:
    return {
        "name": f"School {school_id}",
        "slug": f"s-{school_id}",
        "timezone": timezone_name,
        "currency": "USD",
    }


def submitted(
    school_id: int,
    registration_id: int,
    at: datetime,
    *,
    first: str = "Ada",
    last: str = "Lovelace",
    timezone_name: str = "UTC",
) -> Event:
    return Event.new(
        "selfreg.submitted",
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "status": "pending",
            "student_first_name": first,
            "student_last_name": last,
            "submitted_at": format_timestamp(at),
            "school": snapshot(school_id, timezone_name),
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
        {
            "registration_id": registration_id,
            "from_status": from_status,
            "to_status": to_status,
            "student_first_name": "Ada",
            "student_last_name": "Lovelace",
            "school": snapshot(school_id),
        },
        occurred_at=at,
    )


def converted(school_id: int, registration_id: int, at: datetime) -> Event:
    return Event.new(
        "selfreg.converted",
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "student_id": registration_id + 1000,
            "school": snapshot(school_id),
        },
        occurred_at=at,
    )


def invoice_issued(
    school_id: int, registration_id: int, invoice_id: int, at: datetime, **extra
) -> Event:
    return Event.new(
        "invoice.issued",
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "invoice_id": invoice_id,
            "amount_minor": 20_000,
            "currency": "USD",
            "number": f"INV-{invoice_id:06d}",
            "issued_at": format_timestamp(at),
            "student_first_name": "Ada",
            "student_last_name": "Lovelace",
            "school": snapshot(school_id),
            **extra,
        },
        occurred_at=at,
    )


def invoice_paid(school_id: int, registration_id: int, invoice_id: int, at: datetime) -> Event:
    return Event.new(
        "invoice.paid",
        school_id,
        registration_id,
        {
            "registration_id": registration_id,
            "invoice_id": invoice_id,
            "amount_minor": 20_000,
            "currency": "USD",
            "paid_at": format_timestamp(at),
            "school": snapshot(school_id),
        },
        occurred_at=at,
    )


# -- the consumer ----------------------------------------------------------------------------


class FastDashboardConsumer(DashboardConsumer):
    """The dashboard consumer with retries and reconnects shortened to a fraction of a second."""

    RETRY_FIRST_DELAY = 0.05
    RETRY_MAX_DELAY = 0.2
    RECONNECT_FIRST_DELAY = 0.05
    RECONNECT_MAX_DELAY = 0.5
    IDLE_POLL_SECONDS = 0.2


class DashboardWorker:
    """A dashboard consumer with a name of its own (its queue, its metrics) on the session's
    exchange, run in a thread, and a publisher to that exchange."""

    def __init__(self, settings: Settings, **constants):
        name = f"dashboard-{secrets.token_hex(4)}"
        cls = type(
            f"DashboardConsumer_{name}", (FastDashboardConsumer,), {"NAME": name, **constants}
        )
        self.consumer = cls(settings, DashboardConfig())
        self.topology = self.consumer.topology
        self._connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        self._channel = self._connection.channel()
        self._channel.confirm_delivery()
        self.topology.declare(self._channel)  # bound before anything is published
        self.thread = ConsumerThread(self.consumer).start()
        self.published = 0

    def publish(self, *events: Event) -> None:
        for event in events:
            self.publish_body(event.to_json(), event.event_type, event.event_id)

    def publish_body(self, body: bytes, routing_key: str, message_id: str | None = None) -> None:
        self._channel.basic_publish(
            self.topology.exchange,
            routing_key,
            body,
            pika.BasicProperties(
                content_type="application/json",
                message_id=message_id,
                delivery_mode=pika.DeliveryMode.Persistent,
                type=routing_key,
            ),
            mandatory=True,
        )
        self.published += 1

    def count(self, outcome: str) -> int:
        return int(outcomes(self.consumer).get(outcome, 0))

    def settled(self) -> int:
        counts = outcomes(self.consumer)
        return int(
            sum(counts.get(outcome, 0) for outcome in ("handled", "duplicate", "dead_lettered"))
        )

    def wait_until_settled(self, timeout: float = 30) -> None:
        wait_until(
            lambda: self.settled() >= self.published,
            timeout,
            what=f"{self.published} deliveries to settle",
        )

    def stop(self) -> None:
        """Stop the thread and delete this worker's queues; the session's exchange (and the
        dead-letter exchange other consumers share) stay."""
        try:
            self.thread.stop()
        finally:
            try:
                for queue in (self.topology.queue, self.topology.dead_letter_queue):
                    self._channel.queue_delete(queue)
            finally:
                self._connection.close()
