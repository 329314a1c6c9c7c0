"""`edquill school ...`, `edquill token ...`, `edquill user ...`: the registrar's operator
commands."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
import pymysql

from registrar.adapters.schools_store import all_schools, create_school, school_by_id
from registrar.adapters.users_store import (
    InvalidAccount,
    UnknownAccount,
    check_new_account,
    user_in_school,
)
from registrar.service_layer import api_tokens
from registrar.service_layer.accounts import add_account, disable_user, enable_user, set_role
from shared import db
from shared.config import Settings
from shared.errors import DomainError
from shared.locales import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES
from shared.roles import ROLES

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$")
# How the audit trail names a change made from the command line (no account behind it).
OPERATOR = "operator:cli"


@click.group("school")
def school() -> None:
    """Schools (tenants)."""


@school.command("create")
@click.option("--name", required=True)
@click.option("--slug", required=True, help="Lower-case letters, digits and '-'; used in URLs.")
@click.option("--timezone", "timezone_name", default="UTC", show_default=True)
@click.option("--currency", default="USD", show_default=True)
@click.option(
    "--language",
    type=click.Choice(SUPPORTED_LANGUAGES),
    default=SOURCE_LANGUAGE,
    show_default=True,
    help="What families read until they choose (the form, e-mails).",
)
@click.pass_obj
def school_create(
    settings: Settings, name: str, slug: str, timezone_name: str, currency: str, language: str
) -> None:
    """Create a school; prints its id as the last line."""
    if not SLUG.match(slug):
        raise click.BadParameter("use lower-case letters, digits and '-'", param_hint="--slug")
    try:
        ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"unknown time zone {timezone_name!r}", param_hint="--timezone"
        ) from None
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise click.BadParameter("a three-letter ISO 4217 code", param_hint="--currency")
    connection = db.connect(settings, "registrar")
    try:
        school_id = create_school(connection, name, slug, timezone_name, currency, language)
    except pymysql.err.IntegrityError:
        raise click.ClickException(f"a school with slug {slug!r} exists already") from None
    finally:
        connection.close()
    click.echo(school_id)


@school.command("list")
@click.pass_obj
def school_list(settings: Settings) -> None:
    """Every school, oldest first, tab-separated with a header: id, slug, name."""
    with _registrar_db(settings) as connection:
        schools = all_schools(connection)
    click.echo("\t".join(SCHOOL_COLUMNS))
    for listed in schools:
        click.echo("\t".join(_cell(getattr(listed, column)) for column in SCHOOL_COLUMNS))


SCHOOL_COLUMNS = ("id", "slug", "name")


@click.group("token")
def token() -> None:
    """API tokens."""


@token.command("issue")
@click.option("--school-id", required=True, type=click.IntRange(1))
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--label", default=None)
@click.option("--ttl-days", default=None, type=click.IntRange(1), help="Expire after N days.")
@click.pass_obj
def token_issue(
    settings: Settings, school_id: int, role: str, label: str | None, ttl_days: int | None
) -> None:
    """Issue a token; prints it as the last line (it is stored only as a hash)."""
    connection = db.connect(settings, "registrar")
    try:
        if school_by_id(connection, school_id) is None:
            raise click.ClickException(f"no school with id {school_id}")
        issued = api_tokens.issue(
            connection, school_id, role, OPERATOR, label=label, ttl_days=ttl_days
        )
        click.echo(issued["token"])
    finally:
        connection.close()


@token.command("list")
@click.option("--school-id", required=True, type=click.IntRange(1))
@click.pass_obj
def token_list(settings: Settings, school_id: int) -> None:
    """The school's tokens, newest first, tab-separated (no secret: tokens are stored only as
    hashes): id, role, user, label, created, last used, expires, revoked."""
    with _registrar_db(settings) as connection:
        _require_school(connection, school_id)
        tokens = api_tokens.listed(connection, school_id)
    click.echo("\t".join(TOKEN_COLUMNS))
    for row in tokens:
        click.echo("\t".join(_cell(row[column]) for column in TOKEN_FIELDS))


TOKEN_COLUMNS = ("id", "role", "user", "label", "created", "last_used", "expires", "revoked")
TOKEN_FIELDS = (
    "id",
    "role",
    "user",
    "label",
    "created_at",
    "last_used_at",
    "expires_at",
    "revoked_at",
)


@token.command("revoke")
@click.option(
    "--school-id",
    required=True,
    type=click.IntRange(1),
    help="The token's school: a token id of another school is refused.",
)
@click.option("--id", "token_id", required=True, type=click.IntRange(1))
@click.pass_obj
def token_revoke(settings: Settings, school_id: int, token_id: int) -> None:
    """Revoke a token: it is refused from its next request, in every service."""
    with _registrar_db(settings) as connection:
        try:
            api_tokens.revoke(connection, school_id, token_id, OPERATOR)
        except api_tokens.AlreadyRevoked as exc:
            click.echo(exc.message)
            return
        except DomainError:
            missing = f"no token with id {token_id} in school {school_id}"
            raise click.ClickException(missing) from None
        click.echo(f"revoked token {token_id}")


@click.group("user")
def user() -> None:
    """Staff accounts (sign in with e-mail and password)."""


@user.command("create")
@click.option("--school-id", required=True, type=click.IntRange(1))
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.pass_obj
def user_create(settings: Settings, school_id: int, email: str, role: str) -> None:
    """Create a staff account; the password is read from stdin (prompted on a terminal).
    Prints the account's id as the last line."""
    password = _password_from_stdin()
    try:
        check_new_account(email, role, password)
    except InvalidAccount as exc:
        raise click.ClickException(str(exc)) from None
    connection = db.connect(settings, "registrar")
    try:
        if school_by_id(connection, school_id) is None:
            raise click.ClickException(f"no school with id {school_id}")
        user_id = add_account(connection, school_id, email, role, password, OPERATOR)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        connection.close()
    click.echo(user_id)


@user.command("disable")
@click.option("--school-id", required=True, type=click.IntRange(1))
@click.option("--email", required=True)
@click.pass_obj
def user_disable(settings: Settings, school_id: int, email: str) -> None:
    """Stop an account: it cannot sign in, and its tokens and sessions are revoked (refused
    from their next request, in every service)."""
    with _registrar_db(settings) as connection:
        revoked = _on_account(disable_user, connection, school_id, email, OPERATOR)
    click.echo(f"disabled {email}; {revoked} token{'s' if revoked != 1 else ''} revoked")


@user.command("enable")
@click.option("--school-id", required=True, type=click.IntRange(1))
@click.option("--email", required=True)
@click.pass_obj
def user_enable(settings: Settings, school_id: int, email: str) -> None:
    """Let a disabled account sign in again (the tokens it had stay revoked)."""
    with _registrar_db(settings) as connection:
        _on_account(enable_user, connection, school_id, email, OPERATOR)
    click.echo(f"enabled {email}")


@user.command("set-role")
@click.option("--school-id", required=True, type=click.IntRange(1))
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.pass_obj
def user_set_role(settings: Settings, school_id: int, email: str, role: str) -> None:
    """Give an account another role; its signed-in sessions carry it from their next request."""
    with _registrar_db(settings) as connection:
        _on_account(set_role, connection, school_id, email, role, OPERATOR)
    click.echo(f"{email} is now {role}")


def _on_account(change, connection, school_id: int, email: str, *args):
    """The page's and API's own use case, on the account this e-mail names in the school."""
    _require_school(connection, school_id)
    try:
        account = user_in_school(connection, school_id, email)
        return change(connection, school_id, account.id, *args)
    except UnknownAccount as exc:
        raise click.ClickException(str(exc)) from None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None


@contextmanager
def _registrar_db(settings: Settings):
    connection = db.connect(settings, "registrar")
    try:
        yield connection
    finally:
        connection.close()


def _require_school(connection, school_id: int) -> None:
    if school_by_id(connection, school_id) is None:
        raise click.ClickException(f"no school with id {school_id}")


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return " ".join(str(value).split())  # a label with a tab or newline keeps its row


def _password_from_stdin() -> str:
    stdin = sys.stdin
    if stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    # One line: a trailing newline from `echo` or a here-string is not part of the password.
    return stdin.readline().rstrip("\r\n")
