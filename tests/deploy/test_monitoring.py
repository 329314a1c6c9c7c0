"""deploy/prometheus/ running against the supervised stack: every target up, and alerts that
fire on conditions caused for real (test-sized `for:`, tests/deploy/conftest.py)."""

from __future__ import annotations

import pytest

from shared import db
from tests.support.outbox import insert_outbox_rows, outbox_row
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


def wait_for_alert(stack, name: str) -> None:
    wait_until(
        lambda: name in stack.firing(),
        timeout=ALERT_TIMEOUT,
        interval=1,
        what=f"{name} to fire in Prometheus",
    )


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
