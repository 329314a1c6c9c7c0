"""The `edquill acceptance` command: pick the school, issue the check its own short-lived
token, measure every criterion in turn (printing each as it is measured), clean up, and exit
non-zero when any failed."""

from __future__ import annotations

from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Iterator

import click
import pika
import pymysql

from acceptance import figure_checks, flow_checks, platform_checks
from acceptance.bounds import TOKEN_LIFETIME_MINUTES, Bounds
from acceptance.outcome import Outcome
from acceptance.system_http import SystemHttp, service_urls
from registrar.adapters.schools_store import School, all_schools, school_by_id
from registrar.adapters.tokens_store import issue_token, principal_for, revoke_token
from shared import db
from shared.config import Settings
from shared.config_error import ConfigError
from shared.service_client import ServiceUnavailable

# What can stop one measurement without stopping the others: a service, the database or the
# broker not answering as it should.
MEASUREMENT_ERRORS = (ServiceUnavailable, pymysql.err.Error, pika.exceptions.AMQPError, KeyError)
TOKEN_LABEL = "edquill acceptance"


@click.command("acceptance")
@click.option(
    "--school-id",
    type=click.IntRange(1),
    default=None,
    help="The school to check [default: the first, as `edquill school list` shows].",
)
@click.option(
    "--url",
    default=None,
    help="The gateway, e.g. http://127.0.0.1:8080: every API path through it "
    "[default: each service at its own address, EDQUILL_REGISTRAR_URL and the others].",
)
@click.option(
    "--guardian-email",
    default="acceptance-check@example.com",
    show_default=True,
    help="The guardian of the check's registration: the request for information goes here.",
)
@click.pass_obj
def acceptance_command(
    settings: Settings, school_id: int | None, url: str | None, guardian_email: str
) -> None:
    """Run the acceptance checklist against the running system: each criterion with its
    measured figure, its bound and PASS or FAIL; exit 0 only if every one passes.

    It writes one registration to the school (guardian "Acceptance check", source
    acceptance-check) through the public form, asks it for information (the notifier e-mails
    --guardian-email) and then rejects it with a note saying it was the check. It issues
    itself a registrar token that expires after 15 minutes, and revokes it at the end.
    """
    limits = _bounds()
    school = _school(settings, school_id)
    click.echo(f"acceptance: school {school.id} ({school.slug}), {url or 'each service'}")
    outcomes: list[Outcome] = []

    def report(outcome: Outcome) -> Outcome:
        outcomes.append(outcome)
        click.echo(outcome.line())
        return outcome

    http = SystemHttp(service_urls(settings), url)
    report(_measured("every service healthy", lambda: platform_checks.services_healthy(http)))
    for criterion, check in (
        ("migrations all applied", platform_checks.migrations_applied),
        ("outbox triggers present", platform_checks.outbox_triggers_present),
        ("consumer queues and .dead twins", platform_checks.consumer_queues_declared),
    ):
        report(_measured(criterion, lambda check=check: check(settings)))
    with _check_token(settings, school.id) as token:
        flow = Flow(settings, http.with_token(token), school, limits)
        _measure_the_flow(flow, guardian_email, report)
    for outcome in _measured_all("outbox", lambda: platform_checks.outbox_health(settings, limits)):
        report(outcome)
    failed = [outcome.criterion for outcome in outcomes if not outcome.passed]
    if failed:
        raise click.ClickException(
            f"{len(failed)} of {len(outcomes)} criteria failed: {', '.join(failed)}"
        )
    click.echo(f"acceptance: all {len(outcomes)} criteria passed")


@dataclass(frozen=True)
class Flow:
    """What the registration's part of the check works with."""

    settings: Settings
    http: SystemHttp  # with the check's token
    school: School
    limits: Bounds


def _measure_the_flow(
    flow: Flow, guardian_email: str, report: Callable[[Outcome], Outcome]
) -> None:
    settings, http, limits = flow.settings, flow.http, flow.limits
    try:
        submitted, submission = flow_checks.submit_registration(
            settings, http, flow.school, guardian_email
        )
    except MEASUREMENT_ERRORS as exc:
        submitted, submission = _not_measured("submission enqueued with its row", exc), None
    report(submitted)
    reached = False
    if submission is None:
        report(_without_registration("event reaches every consumer"))
    else:
        reached = report(
            _measured(
                "event reaches every consumer",
                lambda: flow_checks.reaches_consumers(
                    settings, submission, limits.event_to_consumers_max_s
                ),
            )
        ).passed
    for criterion, latency in (
        ("lead queue API p95", figure_checks.lead_queue_latency),
        ("dashboard summary p95", figure_checks.dashboard_latency),
    ):
        report(_measured(criterion, lambda latency=latency: latency(http, limits)))
    if submission is None:
        report(_without_registration("status change reaches the notifier"))
    else:
        report(
            _measured(
                "status change reaches the notifier",
                lambda: flow_checks.status_change_notifies(
                    http, submission, reached, limits.status_change_to_notifier_max_s
                ),
            )
        )
        try:
            flow_checks.close_registration(http, submission.registration_id)
        except MEASUREMENT_ERRORS:
            pass  # left open: its tag says what it is, and a registrar can reject it
    report(
        _measured(
            "KPI figures for the school",
            lambda: figure_checks.kpi_figures_present(http, flow.school),
        )
    )


def _bounds() -> Bounds:
    try:
        return Bounds.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _measured(criterion: str, measure: Callable[[], Outcome]) -> Outcome:
    return _measured_all(criterion, lambda: [measure()])[0]


def _measured_all(criterion: str, measure: Callable[[], list[Outcome]]) -> list[Outcome]:
    """The measurement's outcomes, or one FAIL naming what kept it from being measured."""
    try:
        return measure()
    except MEASUREMENT_ERRORS as exc:
        return [_not_measured(criterion, exc)]


def _without_registration(criterion: str) -> Outcome:
    return Outcome(criterion, "not measured: no registration was submitted", "-", False)


def _not_measured(criterion: str, exc: Exception) -> Outcome:
    return Outcome(criterion, f"not measured: {type(exc).__name__}: {exc}", "-", False)


def _school(settings: Settings, school_id: int | None) -> School:
    with closing(db.connect(settings, "registrar")) as connection:
        if school_id is not None:
            school = school_by_id(connection, school_id)
            if school is None:
                raise click.ClickException(f"no school with id {school_id}")
            return school
        schools = all_schools(connection)
    if not schools:
        raise click.ClickException("no school yet: create one with `edquill school create`")
    return schools[0]


@contextmanager
def _check_token(settings: Settings, school_id: int) -> Iterator[str]:
    """A registrar token of the school's for the check alone: short-lived, so it expires by
    itself should the check be killed, and revoked when the check ends."""
    lifetime = timedelta(minutes=TOKEN_LIFETIME_MINUTES)
    with closing(db.connect(settings, "registrar")) as connection:
        token = issue_token(connection, school_id, "registrar", label=TOKEN_LABEL, ttl=lifetime)
        token_id = principal_for(connection, token).token_id
    try:
        yield token
    finally:
        with closing(db.connect(settings, "registrar")) as connection:
            revoke_token(connection, school_id, token_id)
