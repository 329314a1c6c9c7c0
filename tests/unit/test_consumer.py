"""The base consumer's rules, with nothing running: attempts, back-off, which failures are
transient, how a failed delivery is given back, and how a consumer must be defined."""

from __future__ import annotations

import pika
import pymysql
import pytest

from shared.backoff import backoff_delay
from shared.broker import Delivery
from shared.config import Settings
from shared.config_error import ConfigError
from shared.consumer import Consumer
from shared.consumer_metrics import event_type_label
from shared.events import Event
from shared.worker import is_transient_database_error


def delivery(headers=None, tag: int = 1) -> Delivery:
    return Delivery(
        tag=tag,
        routing_key="selfreg.submitted",
        properties=pika.BasicProperties(headers=headers),
        body=b"{}",
    )


def test_a_first_delivery_is_attempt_one():
    assert delivery().attempt == 1
    assert delivery({"other": "header"}).attempt == 1


def test_a_redelivery_counts_the_earlier_returns_the_broker_reports():
    assert delivery({"x-delivery-count": 2}).attempt == 3


def test_backoff_doubles_from_the_first_delay_up_to_the_cap():
    delays = [backoff_delay(attempt, first=0.2, cap=1.0) for attempt in range(1, 6)]

    assert delays == [0.2, 0.4, 0.8, 1.0, 1.0]


@pytest.mark.parametrize(
    "error",
    [
        pymysql.err.OperationalError(2013, "Lost connection to MySQL server during query"),
        pymysql.err.OperationalError(2003, "Can't connect to MySQL server"),
        pymysql.err.OperationalError(1213, "Deadlock found when trying to get lock"),
        pymysql.err.OperationalError(1205, "Lock wait timeout exceeded"),
        pymysql.err.InterfaceError(0, ""),
    ],
    ids=["lost", "refused", "deadlock", "lock-wait", "closed"],
)
def test_lost_connections_and_lock_conflicts_are_transient(error):
    assert is_transient_database_error(error)


@pytest.mark.parametrize(
    "error",
    [
        pymysql.err.OperationalError(1054, "Unknown column 'leeds' in 'field list'"),
        pymysql.err.ProgrammingError(1146, "Table 't_marketing_kpi' doesn't exist"),
        pymysql.err.IntegrityError(1062, "Duplicate entry"),
        KeyError("to_status"),
    ],
    ids=["unknown-column", "missing-table", "duplicate", "handler-bug"],
)
def test_mistakes_in_the_handler_are_not_transient(error):
    assert not is_transient_database_error(error)


def test_the_metrics_label_of_an_undecodable_message_is_bounded_to_the_catalogue():
    assert event_type_label("invoice.paid") == "invoice.paid"
    assert event_type_label("selfreg.made.up.by.anyone") == "unknown"


class Kpi(Consumer):
    NAME = "kpi"
    BINDINGS = ("selfreg.#", "invoice.#")
    SERVICE_DB = "kpi"


def test_a_well_defined_consumer_is_built_without_connecting_to_anything():
    consumer = Kpi(Settings(exchange="edquill.events"))

    assert consumer.topology.queue == "edquill.events.kpi"


@pytest.mark.parametrize(
    "constants, complaint",
    [
        ({"NAME": "KPI service"}, "NAME"),
        ({"BINDINGS": ()}, "BINDINGS"),
        ({"BINDINGS": "selfreg.#"}, "BINDINGS"),
        ({"SERVICE_DB": "billing"}, "SERVICE_DB"),
        ({"PREFETCH": 0}, "PREFETCH"),
        ({"HANDLER_ATTEMPTS": 30, "DELIVERY_LIMIT": 20}, "HANDLER_ATTEMPTS"),
    ],
    ids=["name", "no-bindings", "bindings-string", "service-db", "prefetch", "attempts"],
)
def test_a_consumer_defined_wrong_fails_at_start_naming_the_constant(constants, complaint):
    broken = type("Broken", (Kpi,), constants)

    with pytest.raises(ConfigError, match=complaint):
        broken(Settings())


def test_a_consumer_without_a_name_fails_at_start():
    class Nameless(Consumer):
        BINDINGS = ("selfreg.#",)
        SERVICE_DB = "kpi"

    with pytest.raises(ConfigError, match="NAME"):
        Nameless(Settings())


# -- giving a failed delivery back ----------------------------------------------------------------


class RecordingChannel:
    """Stands in for pika's channel: records what is said to the broker about deliveries."""

    def __init__(self):
        self.said: list[tuple] = []

    def basic_ack(self, delivery_tag, multiple=False):
        self.said.append(("ack", delivery_tag))

    def basic_reject(self, delivery_tag, requeue=True):
        self.said.append(("reject", delivery_tag, requeue))

    def basic_nack(self, delivery_tag, multiple=False, requeue=True):
        self.said.append(("nack", delivery_tag, requeue))


def channel_saying_to(recorder: RecordingChannel, consumer: Consumer) -> None:
    consumer._channel._channel = recorder


def test_a_delivery_given_back_is_rejected_with_requeue_not_nacked():
    # RabbitMQ 4.3+ counts a reject toward x-delivery-limit and a nack not.
    recorder = RecordingChannel()
    kpi = Kpi(Settings(exchange="edquill.events"))
    channel_saying_to(recorder, kpi)

    kpi._channel.give_back(delivery(tag=7))

    assert recorder.said == [("reject", 7, True)]


class FailingKpi(Kpi):
    RETRY_FIRST_DELAY = 0.0  # no back-off to sit through in a unit test


def test_a_handler_failure_before_the_last_attempt_rejects_the_delivery_with_requeue():
    recorder = RecordingChannel()
    kpi = FailingKpi(Settings(exchange="edquill.events"))
    channel_saying_to(recorder, kpi)
    event = Event.new(
        "selfreg.submitted",
        school_id=1,
        aggregate_id=5,
        payload={"registration_id": 5, "status": "pending"},
    )

    outcome = kpi._after_failure(
        event, delivery({"x-delivery-count": 1}, tag=3), RuntimeError("transient trouble")
    )

    assert outcome.value == "retried"
    assert recorder.said == [("reject", 3, True)]
