"""`edquill outbox ...`: the relay worker and the operators' outbox commands."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Callable

import click
import pymysql

from outbox_relay.adapters.partition_store import MAX_PARTITIONS
from outbox_relay.bootstrap import bootstrap
from outbox_relay.config import LIMITS, RelayOptions
from outbox_relay.domain.failures import NotDead, RelaysStillRunning
from outbox_relay.service_layer import outbox_commands
from outbox_relay.service_layer.relay import Relay
from shared import db
from shared.config import Settings
from shared.retention import RetentionKnobs, cutoff
from shared.worker import worker_command


@click.group("outbox")
def outbox() -> None:
    """The transactional outbox: relay worker, status, reset, purge, dead events."""


def _knob_option(name: str, kind, help: str):
    """A flag over EDQUILL_RELAY_<NAME>: unset, the variable (or the default) holds."""
    low, high = LIMITS[name]
    default = getattr(RelayOptions(), name)
    return click.option(
        f"--{name.replace('_', '-')}",
        default=None,
        type=kind(low, high),
        help=f"{help} [default: {default}; EDQUILL_RELAY_{name.upper()}]",
    )


def _relay(settings: Settings, **flags) -> Relay:
    # On a stop, the loop finishes (or releases) the batch in flight, then gives its
    # partitions back.
    return bootstrap(settings, RelayOptions.from_env().overridden(**flags))


outbox.add_command(
    worker_command(
        _relay,
        help="Publish outbox events to RabbitMQ until SIGTERM or SIGINT.",
        options=[
            _knob_option(
                "batch_size", click.IntRange, "Most events claimed and published in one batch."
            ),
            _knob_option(
                "sleep_ms",
                click.IntRange,
                "Longest idle pause between polls; polling is immediate while there is work.",
            ),
            _knob_option(
                "lease_seconds",
                click.FloatRange,
                "How long a partition stays with a relay that stops renewing it (a crash).",
            ),
            _knob_option(
                "max_attempts",
                click.IntRange,
                "Publishes refused as unroutable after which an event is parked as dead "
                "(an outage or a nack costs no attempt).",
            ),
        ],
    )
)


def _connect(settings: Settings):
    return db.connect(settings, "registrar")


def _relays_lease(lease_seconds: float | None) -> timedelta:
    """The age after which a claim is stuck: the given one, else the lease the relays use
    (EDQUILL_RELAY_LEASE_SECONDS). One threshold for the relays, `status` and `reset-stuck`: a
    live relay settles a batch within its confirm timeout, so a claim older than the lease
    belongs to a relay that died, and the "stuck: N" an operator reads is what a reset clears."""
    if lease_seconds is not None:
        return timedelta(seconds=lease_seconds)
    return RelayOptions.from_env().lease


def _stuck_option(help: str):
    return click.option(
        "--lease-seconds",
        default=None,
        type=click.FloatRange(0, 3600),
        help=f"{help} [default: the relays' lease, EDQUILL_RELAY_LEASE_SECONDS or "
        f"{RelayOptions().lease_seconds:g}]",
    )


@outbox.command("status")
@_stuck_option("Claims older than this count as stuck.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def status(settings: Settings, lease_seconds: float | None, as_json: bool) -> None:
    """Unprocessed, claimed, stuck, dead and held-back events, and the oldest unprocessed
    event's age."""
    stuck_after = _relays_lease(lease_seconds)
    figures = outbox_commands.outbox_status(_connect(settings), stuck_after).__dict__
    figures["stuck_after_seconds"] = stuck_after.total_seconds()
    if as_json:
        click.echo(json.dumps(figures))
        return
    for name, value in figures.items():
        click.echo(f"{name}: {'-' if value is None else value}")


@outbox.command("reset-stuck")
@_stuck_option("Clear claims older than this (as `status` counts them stuck).")
@click.option(
    "--older-than-minutes",
    default=None,
    type=click.IntRange(0),
    help="Clear claims older than this many minutes instead.",
)
@click.pass_obj
def reset_stuck(
    settings: Settings, lease_seconds: float | None, older_than_minutes: int | None
) -> None:
    """Clear claims (and partition leases) older than the relays' lease, or the given age."""
    older_than = (
        _relays_lease(lease_seconds)
        if older_than_minutes is None
        else timedelta(minutes=older_than_minutes)
    )
    count = outbox_commands.reset_stuck(_connect(settings), older_than)
    click.echo(
        f"reset {count} stuck claims (claimed more than {older_than.total_seconds():g} s ago)"
    )


@outbox.command("purge")
@click.option("--older-than-days", required=True, type=click.IntRange(0))
@click.pass_obj
def purge(settings: Settings, older_than_days: int) -> None:
    """Delete events published more than N days ago, in batches of
    EDQUILL_RETENTION_BATCH_SIZE (`edquill retention purge` does this with the other tables)."""
    count = outbox_commands.purge_published(
        _connect(settings),
        cutoff(datetime.now(timezone.utc), older_than_days),
        RetentionKnobs.from_env().batch_size,
    )
    click.echo(f"purged {count} processed events")


@outbox.command("partitions")
@click.option(
    "--set",
    "count",
    default=None,
    type=click.IntRange(1, MAX_PARTITIONS),
    help="Change the count: with every relay stopped (docs/runbook.md, the procedure).",
)
@_stuck_option("A relay that heartbeat within this long counts as running.")
@click.pass_obj
def partitions(settings: Settings, count: int | None, lease_seconds: float | None) -> None:
    """The outbox's partition count: the most relays that share the outbox, each
    registration's events in one partition."""
    connection = _connect(settings)
    if count is not None:
        try:
            outbox_commands.set_partitions(connection, count, _relays_lease(lease_seconds))
        except RelaysStillRunning as exc:
            raise click.ClickException(f"{exc}; nothing was changed") from None
    layout = outbox_commands.partitions(connection)
    click.echo(f"partitions: {layout.leases}")
    if not layout.consistent:
        raise click.ClickException(
            f"events are numbered for {layout.modulus} partitions but {layout.leases} are "
            f"leased: run `edquill outbox partitions --set N` again"
        )


@outbox.group("dead")
def dead() -> None:
    """Events parked as dead, and the events of their registrations held back behind them."""


@dead.command("list")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.pass_obj
def dead_list(settings: Settings, limit: int) -> None:
    """List dead events with their last error, oldest first, and how many events of the same
    registration each one holds back."""
    for event in outbox_commands.list_dead(_connect(settings), limit):
        click.echo(
            f"{event['event_id']}  {event['event_type']:<24} school={event['school_id']} "
            f"aggregate={event['aggregate_id']} attempts={event['attempts']} "
            f"holding={event['holding']} "
            f"dead_at={event['dead_at']:%Y-%m-%dT%H:%M:%SZ}  {event['last_error']}"
        )


@dead.command("replay")
@click.argument("event_ids", nargs=-1)
@click.option(
    "--event-id",
    "named",
    multiple=True,
    help="A dead event to replay (repeat for several; also accepted as arguments).",
)
@click.option("--all", "replay_all", is_flag=True, help="Replay every dead event.")
@click.pass_obj
def dead_replay(
    settings: Settings, event_ids: tuple[str, ...], named: tuple[str, ...], replay_all: bool
) -> None:
    """Put dead events back in line for the relays, and release the events held behind them:
    each registration's events then go out in their order, the replayed one first."""
    chosen = list(event_ids + named)
    if bool(chosen) == replay_all:
        raise click.UsageError("name dead events with --event-id, or pass --all (not both)")
    count = _settle_dead(
        settings,
        lambda connection: outbox_commands.replay_dead(connection, None if replay_all else chosen),
    )
    click.echo(f"replayed {count} dead events")


@dead.command("skip")
@click.option(
    "--event-id",
    "named",
    multiple=True,
    required=True,
    help="A dead event to give up on (repeat for several).",
)
@click.pass_obj
def dead_skip(settings: Settings, named: tuple[str, ...]) -> None:
    """Give up on dead events: they are never published (marked skipped, the error kept), and
    the events their registration held back behind them go out."""
    count = _settle_dead(
        settings, lambda connection: outbox_commands.skip_dead(connection, list(named))
    )
    click.echo(f"skipped {count} dead events")


def _settle_dead(
    settings: Settings, change: Callable[[pymysql.connections.Connection], int]
) -> int:
    try:
        return change(_connect(settings))
    except NotDead as exc:
        raise click.ClickException(f"{exc}; nothing was changed (see `outbox dead list`)") from None
