"""`edquill outbox ...`: the relay worker and the operators' outbox commands."""
from __future__ import annotations

import json
import signal
from datetime import timedelta
from typing import Callable

import click
from prometheus_client import start_http_server

from outbox_relay.bootstrap import bootstrap
from outbox_relay.relay import RelayOptions
from outbox_relay.store import NotDead, OutboxStore
from shared import db
from shared.config import Settings

# Rows deleted per statement by purge: small enough that each DELETE holds its locks briefly.
PURGE_BATCH_SIZE = 1000

# One threshold for the relays' lease, `status`'s "stuck" and `reset-stuck`: a live relay
# settles a batch within its confirm timeout (10 s), so a claim older than the lease belongs
# to a relay that died, and an operator who reads "stuck: N" can reset those same N.
LEASE_SECONDS = RelayOptions.lease.total_seconds()


@click.group("outbox")
def outbox() -> None:
    """The transactional outbox: relay worker, status, reset, purge, dead events."""


@outbox.command("worker")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 5000),
              help="Most events claimed and published in one batch.")
@click.option("--sleep-ms", default=50, show_default=True, type=click.IntRange(1, 60_000),
              help="Longest idle pause between polls; polling is immediate while there is work.")
@click.option("--lease-seconds", default=LEASE_SECONDS, show_default=True,
              type=click.FloatRange(1, 3600),
              help="How long a partition stays with a relay that stops renewing it (a crash).")
@click.option("--max-attempts", default=8, show_default=True, type=click.IntRange(1, 100),
              help="Publishes refused as unroutable after which an event is parked as dead "
                   "(an outage or a nack costs no attempt).")
@click.option("--metrics-port", default=0, type=click.IntRange(0, 65535),
              help="Serve Prometheus metrics on this port (0: do not serve).")
@click.pass_obj
def worker(settings: Settings, batch_size: int, sleep_ms: int, lease_seconds: float,
           max_attempts: int, metrics_port: int) -> None:
    """Publish outbox events to RabbitMQ until SIGTERM or SIGINT."""
    if metrics_port:
        start_http_server(metrics_port)
    relay = bootstrap(settings, RelayOptions(
        batch_size=batch_size, max_idle_sleep=sleep_ms / 1000,
        lease=timedelta(seconds=lease_seconds), max_attempts=max_attempts))
    stopping = []

    def request_stop(signum, _frame):
        # The loop finishes (or releases) the batch in flight, then gives its partitions back.
        stopping.append(signum)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    relay.run(lambda: bool(stopping))


def _store(settings: Settings):
    return OutboxStore(db.connect(settings, "registrar"))


@outbox.command("status")
@click.option("--lease-seconds", default=LEASE_SECONDS, show_default=True,
              type=click.FloatRange(1, 3600),
              help="Claims older than this count as stuck (the relays' lease).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def status(settings: Settings, lease_seconds: float, as_json: bool) -> None:
    """Unprocessed, claimed, stuck, dead and held-back events, and the oldest unprocessed
    event's age."""
    figures = _store(settings).status(timedelta(seconds=lease_seconds)).__dict__
    figures["stuck_after_seconds"] = lease_seconds
    if as_json:
        click.echo(json.dumps(figures))
        return
    for name, value in figures.items():
        click.echo(f"{name}: {'-' if value is None else value}")


@outbox.command("reset-stuck")
@click.option("--lease-seconds", default=LEASE_SECONDS, show_default=True,
              type=click.FloatRange(0, 3600),
              help="Clear claims older than this (the relays' lease, as `status` counts stuck).")
@click.option("--older-than-minutes", default=None, type=click.IntRange(0),
              help="Clear claims older than this many minutes instead.")
@click.pass_obj
def reset_stuck(settings: Settings, lease_seconds: float, older_than_minutes: int | None) -> None:
    """Clear claims (and partition leases) older than the given age."""
    older_than = (timedelta(seconds=lease_seconds) if older_than_minutes is None
                  else timedelta(minutes=older_than_minutes))
    count = _store(settings).reset_stuck(older_than)
    click.echo(f"reset {count} stuck claims (claimed more than "
               f"{older_than.total_seconds():g} s ago)")


@outbox.command("purge")
@click.option("--older-than-days", required=True, type=click.IntRange(0))
@click.pass_obj
def purge(settings: Settings, older_than_days: int) -> None:
    """Delete events processed more than N days ago, in small batches."""
    count = _store(settings).purge_processed(timedelta(days=older_than_days), PURGE_BATCH_SIZE)
    click.echo(f"purged {count} processed events")


@outbox.group("dead")
def dead() -> None:
    """Events parked as dead, and the events of their registrations held back behind them."""


@dead.command("list")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.pass_obj
def dead_list(settings: Settings, limit: int) -> None:
    """List dead events with their last error, oldest first, and how many events of the same
    registration each one holds back."""
    for event in _store(settings).dead_events(limit):
        click.echo(f"{event['event_id']}  {event['event_type']:<24} school={event['school_id']} "
                   f"aggregate={event['aggregate_id']} attempts={event['attempts']} "
                   f"holding={event['holding']} "
                   f"dead_at={event['dead_at']:%Y-%m-%dT%H:%M:%SZ}  {event['last_error']}")


@dead.command("replay")
@click.argument("event_ids", nargs=-1)
@click.option("--event-id", "named", multiple=True,
              help="A dead event to replay (repeat for several; also accepted as arguments).")
@click.option("--all", "replay_all", is_flag=True, help="Replay every dead event.")
@click.pass_obj
def dead_replay(settings: Settings, event_ids: tuple[str, ...], named: tuple[str, ...],
                replay_all: bool) -> None:
    """Put dead events back in line for the relays, and release the events held behind them:
    each registration's events then go out in their order, the replayed one first."""
    chosen = list(event_ids + named)
    if bool(chosen) == replay_all:
        raise click.UsageError("name dead events with --event-id, or pass --all (not both)")
    count = _settle_dead(settings,
                         lambda store: store.replay_dead(None if replay_all else chosen))
    click.echo(f"replayed {count} dead events")


@dead.command("skip")
@click.option("--event-id", "named", multiple=True, required=True,
              help="A dead event to give up on (repeat for several).")
@click.pass_obj
def dead_skip(settings: Settings, named: tuple[str, ...]) -> None:
    """Give up on dead events: they are never published (marked skipped, the error kept), and
    the events their registration held back behind them go out."""
    count = _settle_dead(settings, lambda store: store.skip_dead(list(named)))
    click.echo(f"skipped {count} dead events")


def _settle_dead(settings: Settings, change: Callable[[OutboxStore], int]) -> int:
    try:
        return change(_store(settings))
    except NotDead as exc:
        raise click.ClickException(f"{exc}; nothing was changed (see `outbox dead list`)"
                                   ) from None
