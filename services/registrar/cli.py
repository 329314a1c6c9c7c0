"""`edquill school ...`, `edquill token ...`: the registrar's operator commands."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
import pymysql

from registrar.schools import create_school, school_by_id
from registrar.tokens import ROLES, issue_token
from shared import db
from shared.config import Settings

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$")


@click.group("school")
def school() -> None:
    """Schools (tenants)."""


@school.command("create")
@click.option("--name", required=True)
@click.option("--slug", required=True, help="Lower-case letters, digits and '-'; used in URLs.")
@click.option("--timezone", "timezone_name", default="UTC", show_default=True)
@click.option("--currency", default="USD", show_default=True)
@click.pass_obj
def school_create(settings: Settings, name: str, slug: str, timezone_name: str,
                  currency: str) -> None:
    """Create a school; prints its id as the last line."""
    if not SLUG.match(slug):
        raise click.BadParameter("use lower-case letters, digits and '-'", param_hint="--slug")
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {timezone_name!r}",
                                 param_hint="--timezone") from None
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise click.BadParameter("a three-letter ISO 4217 code", param_hint="--currency")
    connection = db.connect(settings, "registrar")
    try:
        school_id = create_school(connection, name, slug, timezone_name, currency)
    except pymysql.err.IntegrityError:
        raise click.ClickException(f"a school with slug {slug!r} exists already") from None
    finally:
        connection.close()
    click.echo(school_id)


@click.group("token")
def token() -> None:
    """API tokens."""


@token.command("issue")
@click.option("--school-id", required=True, type=click.IntRange(1))
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--label", default=None)
@click.option("--ttl-days", default=None, type=click.IntRange(1), help="Expire after N days.")
@click.pass_obj
def token_issue(settings: Settings, school_id: int, role: str, label: str | None,
                ttl_days: int | None) -> None:
    """Issue a token; prints it as the last line (it is stored only as a hash)."""
    connection = db.connect(settings, "registrar")
    try:
        if school_by_id(connection, school_id) is None:
            raise click.ClickException(f"no school with id {school_id}")
        click.echo(issue_token(connection, school_id, role, label=label,
                               ttl=timedelta(days=ttl_days) if ttl_days else None))
    finally:
        connection.close()
