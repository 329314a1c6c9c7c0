"""`edquill waitlist expire-offers`: seat offers past their time pass to the next family on
their class's waitlist (deploy/cron/edquill runs it every few minutes); `edquill waitlist
set-hold`: how long a school holds a freed seat for the family offered it."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from registrar.adapters.schools_store import set_seat_offer_hours
from registrar.domain.school_settings import MAX_HOLD_HOURS, MIN_HOLD_HOURS
from registrar.service_layer.waitlist import expire_offers
from shared import db
from shared.config import Settings


@click.group("waitlist")
def waitlist() -> None:
    """Class waitlists and their seat offers."""


@waitlist.command("expire-offers")
@click.option("--school-id", type=int, default=None, help="Only this school's offers.")
@click.option(
    "--at",
    "at",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]),
    default=None,
    help="Judge expiry at this UTC moment instead of now (a rehearsal, or a test's clock).",
)
@click.pass_obj
def expire_offers_command(settings: Settings, school_id: int | None, at: datetime | None) -> None:
    """Expire every open seat offer past its time and offer the seat to the next in line."""
    now = at.replace(tzinfo=timezone.utc) if at else datetime.now(timezone.utc)
    connection = db.connect(settings, "registrar")
    try:
        expired = expire_offers(connection, now, school_id)
    finally:
        connection.close()
    click.echo(f"expired {expired} seat offer(s)")


@waitlist.command("set-hold")
@click.option("--school-id", type=int, required=True)
@click.option(
    "--hours",
    type=click.IntRange(MIN_HOLD_HOURS, MAX_HOLD_HOURS),
    required=True,
    help="How long a freed seat is held for the family offered it (the default is 48).",
)
@click.pass_obj
def set_hold_command(settings: Settings, school_id: int, hours: int) -> None:
    """Set the school's seat_offer_hours (offers already made keep their time)."""
    connection = db.connect(settings, "registrar")
    try:
        found = set_seat_offer_hours(connection, school_id, hours)
    finally:
        connection.close()
    if not found:
        raise click.ClickException(f"no school with id {school_id}")
    click.echo(f"seat offers of school {school_id} are held for {hours} hours")
