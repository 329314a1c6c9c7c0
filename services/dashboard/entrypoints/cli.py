"""`edquill dashboard ...`: the dashboard's worker."""

from __future__ import annotations

import click

from dashboard.bootstrap import bootstrap
from shared.worker import worker_command


@click.group("dashboard")
def dashboard() -> None:
    """The admin dashboard's action rail, kept from events."""


dashboard.add_command(
    worker_command(
        bootstrap,
        help="Keep the action rail from selfreg.*, invoice.* and school.* events until "
        "SIGTERM/SIGINT.",
    )
)
