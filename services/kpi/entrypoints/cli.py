"""`edquill kpi ...`: the KPI worker, the nightly rebuild and the reconciliation."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import click

from kpi.adapters.registrar_client import RegistrarReportError
from kpi.bootstrap import bootstrap
from kpi.domain.figures import COUNT_FIELDS, REVENUE_FIELDS, DayFigures
from kpi.service_layer.fold import UnknownSchool
from kpi.service_layer.rebuild import rebuild_days
from kpi.service_layer.reconcile import WrongSchool, reconcile_range
from shared.config import Settings
from shared.local_days import BadRange, day_range
from shared.worker import worker_command

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("kpi")
def kpi() -> None:
    """Marketing and revenue figures: worker, nightly rebuild, reconciliation."""


kpi.add_command(
    worker_command(
        bootstrap,
        help="Fold selfreg.*, invoice.* and school.* events into the figures until SIGTERM/SIGINT.",
    )
)


@kpi.command("daily-aggregate")
@click.option(
    "--date",
    "on",
    type=DAY,
    help="Local day to rebuild, e.g. 2025-11-13. Default: each school's yesterday "
    "in its own time zone.",
)
@click.option("--school-id", type=click.IntRange(1), help="Only this school (default: all).")
@click.pass_obj
def daily_aggregate(settings: Settings, on: datetime | None, school_id: int | None) -> None:
    """Rebuild a day's figures from the event ledger, replacing its rows."""
    try:
        report = rebuild_days(
            settings, on.date() if on else None, school_id, datetime.now(timezone.utc)
        )
    except UnknownSchool as exc:
        raise click.ClickException(
            f"{exc}: no school event for it has reached the KPI service"
        ) from None
    for rebuilt_school, figures in report.days:
        click.echo(f"school={rebuilt_school} {_figures_line(figures)}")
    click.echo(f"rebuilt {len(report.days)} school-days in {report.seconds:.3f}s")


@kpi.command("reconcile")
@click.option("--from", "first", required=True, type=DAY, help="First local day.")
@click.option("--to", "last", required=True, type=DAY, help="Last local day (included).")
@click.option("--school-id", required=True, type=click.IntRange(1))
@click.option(
    "--token",
    envvar="EDQUILL_KPI_REGISTRAR_TOKEN",
    show_envvar=True,
    help="A registrar token (viewer or admin) of the school; prefer the variable, "
    "which stays out of the process list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@click.pass_obj
def reconcile_command(
    settings: Settings,
    first: datetime,
    last: datetime,
    school_id: int,
    token: str | None,
    as_json: bool,
) -> None:
    """Compare a range of days with the registrar's own records; exit 1 on any difference."""
    if not token:
        raise click.UsageError(
            "a registrar token is needed: set EDQUILL_KPI_REGISTRAR_TOKEN or pass --token"
        )
    try:
        days = day_range(first.date(), last.date())
    except BadRange as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from None
    try:
        found = reconcile_range(settings, token, school_id, days)
    except (RegistrarReportError, WrongSchool) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "day": d.day.isoformat(),
                        "figure": d.figure,
                        "kpi": d.kpi,
                        "registrar": d.registrar,
                    }
                    for d in found
                ]
            )
        )
    else:
        for difference in found:
            click.echo(str(difference))
    span = f"school {school_id}, {days.first.isoformat()}..{days.last.isoformat()}"
    if found:
        # One line on stderr and exit status 1, like every failing command.
        raise click.ClickException(
            f"{len(found)} differences between the KPI figures and "
            f"the registrar's records for {span}"
        )
    if not as_json:
        click.echo(f"no differences for {span}")


def _figures_line(figures: DayFigures) -> str:
    parts = [f"day={figures.day.isoformat()}"]
    if figures.marketing is not None:
        parts += [f"{name}={getattr(figures.marketing, name)}" for name in COUNT_FIELDS]
        parts.append(f"median_hours_to_decision={figures.marketing.median_hours_to_decision}")
    if figures.revenue is not None:
        parts += [f"{name}={getattr(figures.revenue, name)}" for name in REVENUE_FIELDS]
        parts.append(f"currency={figures.revenue.currency}")
    if figures.marketing is None and figures.revenue is None:
        parts.append("(no events)")
    return " ".join(parts)
