"""deploy/prometheus/ running against the supervised stack: every target up, and alerts that
fire on conditions caused for real (test-sized `for:` and thresholds, tests/deploy/conftest.py)
and reach Alertmanager, routed by severity."""

from __future__ import annotations

import pika
import pytest

from shared import db
from tests.support.factories import create_school
from tests.support.notifier import new_school_id, school_created
from tests.support.outbox import create_registrations, insert_outbox_rows, outbox_row
from tests.support.waiting import wait_until

pytestmark = pytest.mark.deploy

ALERT_TIMEOUT = 90


def targets_down(stack) -> dict[str, str] | None:
    active = stack.prometheus_api("targets", state="active")["activeTargets"]
    if not active:
        return None
    return {target["scrapeUrl"]: target["health"] for target in active if target["health"] != "up"}


def test_every_prometheus_target_is_up(running_stack):
    wait_until(
        lambda: targets_down(running_stack) == {},
        timeout=60,
        interval=1,
        what="every Prometheus target to be up",
    )
    jobs = {
        target["labels"]["job"]
        for target in running_stack.prometheus_api("targets", state="active")["activeTargets"]
    }
    assert {"edquill-services", "edquill-outbox-relay", "edquill-workers"} <= jobs
    if running_stack.broker is not None:
        assert "rabbitmq" in jobs


def wait_for_alert(stack, name: str) -> None:
    wait_until(
        lambda: name in stack.firing(),
        timeout=ALERT_TIMEOUT,
        interval=1,
        what=f"{name} to fire in Prometheus",
    )


def query(stack, expression: str) -> list[dict]:
    """The instant vector of a PromQL expression: [{"metric": {...}, "value": [t, "v"]}]."""
    return stack.prometheus_api("query", query=expression)["result"]


def value_of(stack, expression: str) -> float | None:
    """The one sample of an aggregating expression, None while it has none."""
    result = query(stack, expression)
    return float(result[0]["value"][1]) if result else None


def test_a_poison_row_fires_the_dead_events_alert(running_stack):
    connection = db.connect(running_stack.settings, "registrar")
    try:
        # A status change without its statuses cannot be made into a message: dead at once.
        insert_outbox_rows(connection, [outbox_row(990_001, payload={"registration_id": 990_001})])
    finally:
        connection.close()

    wait_for_alert(running_stack, "EdquillOutboxDeadEvents")


def test_stopping_the_relays_fires_relay_down_and_no_relay(running_stack):
    running_stack.supervisorctl("stop", "edquill:relay-0", "edquill:relay-1")
    try:
        wait_for_alert(running_stack, "EdquillOutboxNoRelay")
        assert "EdquillOutboxRelayDown" in running_stack.firing()
    finally:
        running_stack.supervisorctl("start", "edquill:relay-0", "edquill:relay-1")


RELAYS = ("edquill:relay-0", "edquill:relay-1")


def test_with_every_relay_stopped_the_backlog_alerts_fire_then_the_backlog_drains(running_stack):
    waiting = int(running_stack.alert_thresholds["EdquillOutboxBacklog"]) * 2
    connection = db.connect(running_stack.settings, "registrar")
    running_stack.supervisorctl("stop", *RELAYS)
    try:
        create_registrations(connection, create_school(connection), waiting)

        wait_for_alert(running_stack, "EdquillOutboxBacklog")
        wait_for_alert(running_stack, "EdquillOutboxOldestEventAge")
        registrar = 'max(edquill_outbox_backlog{service="registrar"})'
        assert value_of(running_stack, registrar) >= waiting
    finally:
        running_stack.supervisorctl("start", *RELAYS)
        connection.close()

    wait_until(
        lambda: value_of(running_stack, registrar) == 0,
        timeout=ALERT_TIMEOUT,
        interval=1,
        what="the registrar's backlog gauge to read 0 once the relays run again",
    )


def test_mail_to_a_closed_smtp_port_fires_the_send_failures_alert(running_stack):
    """A request for information (transactional mail, sent whatever the consent) to a family
    that consented, while EDQUILL_SMTP_URL names a port nothing listens on."""
    connection = db.connect(running_stack.settings, "registrar")
    try:
        school_id = create_school(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO student_self_registrations (school_id, student_first_name, "
                "student_last_name, guardian_email, consent_email, consent_given_at) "
                "VALUES (%s, 'Ada', 'Lovelace', 'family@example.com', 1, UTC_TIMESTAMP(6))",
                (school_id,),
            )
            cursor.execute(
                "UPDATE student_self_registrations SET status = 'needs_info', "
                "status_note = 'Please send the birth certificate.' WHERE id = %s",
                (cursor.lastrowid,),
            )
    finally:
        connection.close()

    wait_for_alert(running_stack, "EdquillSmtpSendFailures")
    retried = 'sum(edquill_notifier_deliveries_total{worker="notifier", outcome="retried"})'
    assert value_of(running_stack, retried) >= 1


def _kpi_queue(stack) -> str:
    return f"{stack.settings.exchange}.kpi"


def _publish_to_queue(stack, queue: str, bodies: list[bytes]) -> None:
    """Straight into one consumer's queue (the default exchange routes by queue name), so no
    other consumer hears of it."""
    connection = pika.BlockingConnection(pika.URLParameters(stack.settings.amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(
                "",
                queue,
                body,
                pika.BasicProperties(
                    content_type="application/json", delivery_mode=pika.DeliveryMode.Persistent
                ),
                mandatory=True,
            )
    finally:
        connection.close()


def _queue_depth(stack, queue: str) -> float | None:
    return value_of(stack, f'sum(rabbitmq_queue_messages{{queue="{queue}"}})')


def test_a_stopped_consumer_fires_the_consumer_lag_alert(running_stack):
    running_stack.require_own_broker()
    queue = _kpi_queue(running_stack)
    # Events the worker folds without a fault once it runs again (nothing for its .dead queue).
    events = [
        school_created(new_school_id()).to_json()
        for _ in range(int(running_stack.alert_thresholds["EdquillConsumerLag"]) * 2)
    ]
    running_stack.supervisorctl("stop", "edquill:kpi-worker")
    try:
        _publish_to_queue(running_stack, queue, events)

        wait_for_alert(running_stack, "EdquillConsumerLag")
        lagging = query(running_stack, "ALERTS{alertname='EdquillConsumerLag'}")
        assert {alert["metric"]["queue"] for alert in lagging} == {queue}
    finally:
        running_stack.supervisorctl("start", "edquill:kpi-worker")

    wait_until(
        lambda: _queue_depth(running_stack, queue) == 0,
        timeout=ALERT_TIMEOUT,
        interval=1,
        what=f"{queue} to drain once its worker runs again",
    )


def test_a_poison_message_fires_the_dead_letters_alert(running_stack):
    running_stack.require_own_broker()
    queue = _kpi_queue(running_stack)

    _publish_to_queue(running_stack, queue, [b"{not an event"])

    wait_for_alert(running_stack, "EdquillConsumerDeadLetters")
    dead = query(running_stack, "ALERTS{alertname='EdquillConsumerDeadLetters'}")
    assert f"{queue}.dead" in {alert["metric"]["queue"] for alert in dead}


def test_fired_alerts_reach_alertmanager_routed_by_severity(running_stack):
    """Both kpi instances stopped: EdquillServiceDown (critical) must reach the on-call
    receiver, EdquillTargetDown (warning) the operators, and not the other way round."""
    receiver = running_stack.alert_receiver
    running_stack.supervisorctl("stop", "edquill:kpi", "edquill:kpi-2")
    try:
        wait_until(
            lambda: (
                "EdquillServiceDown" in receiver.firing("on-call")
                and "EdquillTargetDown" in receiver.firing("operators")
            ),
            timeout=ALERT_TIMEOUT,
            interval=1,
            what="Alertmanager to notify on-call and the operators",
        )
    finally:
        running_stack.supervisorctl("start", "edquill:kpi", "edquill:kpi-2")

    assert receiver.firing("on-call")["EdquillServiceDown"] == {"critical"}
    assert receiver.firing("operators")["EdquillTargetDown"] == {"warning"}
    assert set().union(*receiver.firing("on-call").values()) == {"critical"}
    assert set().union(*receiver.firing("operators").values()) <= {"warning"}
