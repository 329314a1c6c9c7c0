"""The criteria of a system at rest: every service answers, the schema is complete, the
consumers' queues exist, and the outbox is flowing with nothing dead or stuck."""

from __future__ import annotations

from contextlib import closing

import pika

from acceptance.bounds import HEALTH_TIMEOUT_S, Bounds
from acceptance.outcome import Outcome
from acceptance.system_http import SystemHttp
from outbox_relay.config import RelayOptions
from outbox_relay.service_layer.outbox_commands import outbox_status
from shared import db, migrations
from shared.config import Settings
from shared.queues import consumer_topologies


def services_healthy(http: SystemHttp) -> Outcome:
    targets = dict(http.services)
    if http.gateway:
        targets["gateway"] = http.gateway
    answers = {name: http.healthy(url) for name, url in targets.items()}
    down = [name for name, (ok, _seconds) in answers.items() if not ok]
    slowest = max(seconds for _ok, seconds in answers.values())
    figure = f"{len(targets) - len(down)}/{len(targets)} answer /healthz"
    figure += f" (down: {', '.join(down)})" if down else f" (slowest {slowest * 1000:.0f} ms)"
    bound = f"all of {', '.join(targets)}, each within {HEALTH_TIMEOUT_S:g} s"
    return Outcome("every service healthy", figure, bound, not down)


def migrations_applied(settings: Settings) -> Outcome:
    states = migrations.status(settings)
    pending = [f"{state.service}:{state.migration_id}" for state in states if not state.applied]
    figure = f"{len(states) - len(pending)}/{len(states)} applied"
    if pending:
        figure += f" (pending: {', '.join(pending)})"
    return Outcome("migrations all applied", figure, "none pending", not pending)


def outbox_triggers_present(settings: Settings) -> Outcome:
    wanted = migrations.scripted_triggers("registrar")
    missing = migrations.missing_triggers(settings, "registrar")
    figure = f"{len(wanted) - len(missing)}/{len(wanted)} present"
    if missing:
        figure += f" (missing: {', '.join(missing)})"
    return Outcome(
        "outbox triggers present", figure, "every trigger of sql/triggers_*.sql", not missing
    )


def consumer_queues_declared(settings: Settings) -> Outcome:
    """Each consumer's queue and its .dead twin exist (declared passively: nothing is made),
    and no dead letter waits (the EdquillConsumerDeadLetters alert)."""
    missing, dead_letters = [], 0
    with closing(pika.BlockingConnection(pika.URLParameters(settings.amqp_url))) as connection:
        topologies = consumer_topologies(settings)
        for topology in topologies:
            for queue in (topology.queue, topology.dead_letter_queue):
                messages = _queued_messages(connection, queue)
                if messages is None:
                    missing.append(queue)
                elif queue == topology.dead_letter_queue:
                    dead_letters += messages
    declared = 2 * len(topologies) - len(missing)
    figure = f"{declared}/{2 * len(topologies)} queues, {dead_letters} dead letters"
    if missing:
        figure += f" (missing: {', '.join(missing)})"
    return Outcome(
        "consumer queues and .dead twins",
        figure,
        "every queue declared, no dead letter",
        not missing and dead_letters == 0,
    )


def _queued_messages(connection, queue: str) -> int | None:
    """The queue's message count, or None when it does not exist."""
    channel = connection.channel()
    try:
        declared = channel.queue_declare(queue, passive=True)
    except pika.exceptions.ChannelClosedByBroker:
        return None  # 404: the broker closed this channel, not the connection
    channel.close()
    return declared.method.message_count


def outbox_health(settings: Settings, limits: Bounds) -> list[Outcome]:
    lease = RelayOptions.from_env().lease
    with closing(db.connect(settings, "registrar")) as connection:
        status = outbox_status(connection, lease)
    age = status.oldest_unprocessed_age_seconds or 0.0
    return [
        Outcome("outbox: no dead events", f"{status.dead} dead", "0", status.dead == 0),
        Outcome(
            "outbox: no stuck claims",
            f"{status.stuck} stuck",
            f"0 claims older than the relays' lease ({lease.total_seconds():g} s)",
            status.stuck == 0,
        ),
        Outcome(
            "outbox: backlog",
            f"{status.unprocessed} waiting, {status.relays} relays alive",
            f"<= {limits.outbox_backlog_max} (EdquillOutboxBacklog), >= 1 relay",
            status.unprocessed <= limits.outbox_backlog_max and status.relays >= 1,
        ),
        Outcome(
            "outbox: oldest waiting event",
            f"{age:.1f} s old",
            f"<= {limits.outbox_oldest_age_max_s:g} s (EdquillOutboxOldestEventAge)",
            age <= limits.outbox_oldest_age_max_s,
        ),
    ]
