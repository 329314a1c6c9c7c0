"""`edquill waitlist expire-offers`: seat offers past their time pass to the next family on
their class's waitlist (deploy/cron/edquill runs it every few minutes)."""

from __future__ import annotations

from datetime import datetime, timezone

import click

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
