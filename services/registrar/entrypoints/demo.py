"""`edquill demo seed`: demo schools with staff accounts and a lead queue in every stage.

Everything goes through the service's own code paths (the submission insert, change_status,
convert, the classes and billing modules' own demo data), so the audit log and the outbox hold
what real use would leave. Running it again leaves
existing demo schools alone. The demo password is printed and public: never seed a
production database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import click

from registrar.adapters import billing_store, classes_store
from registrar.adapters.schools_store import create_school, school_by_slug
from registrar.adapters.users_store import create_user
from registrar.service_layer.conversions import convert
from registrar.service_layer.lead_status import change_status
from registrar.service_layer.submissions import record_submission
from shared import db
from shared.config import Settings
from shared.registration_status import Status
from shared.roles import ROLES

DEMO_PASSWORD = "edquill-demo-password"
DEMO_ACTOR = "demo-seed"
# Submissions are spread over this many past days, so dashboards have history to show.
HISTORY_DAYS = 120


@dataclass(frozen=True)
class DemoSchool:
    name: str
    slug: str
    timezone: str
    currency: str
    programs: tuple[str, ...]


DEMO_SCHOOLS = (
    DemoSchool(
        "Demo Academy",
        "demo",
        "America/New_York",
        "USD",
        ("Early Years", "Primary", "Middle School", "After-school Club"),
    ),
    DemoSchool(
        "Riverside Music School",
        "riverside-music",
        "Europe/London",
        "GBP",
        ("Piano", "Violin", "Guitar", "Choir"),
    ),
    DemoSchool(
        "Sakura Language Centre",
        "sakura-language",
        "Asia/Tokyo",
        "JPY",
        ("Japanese for Kids", "English Conversation", "Exam Preparation"),
    ),
)

# Each stage and the status changes that lead there from pending, with the words each needs.
STAGE_PATHS = {
    Status.PENDING: (),
    Status.IN_REVIEW: ((Status.IN_REVIEW, None),),
    Status.NEEDS_INFO: (
        (Status.IN_REVIEW, None),
        (Status.NEEDS_INFO, "Please send a copy of the birth certificate."),
    ),
    Status.APPROVED: ((Status.IN_REVIEW, None), (Status.APPROVED, None)),
    Status.REJECTED: (
        (Status.IN_REVIEW, None),
        (Status.REJECTED, "The program is full for this term."),
    ),
    Status.CONVERTED: ((Status.IN_REVIEW, None), (Status.APPROVED, None), (Status.CONVERTED, None)),
}
STAGE_WEIGHTS = {
    Status.PENDING: 25,
    Status.IN_REVIEW: 20,
    Status.NEEDS_INFO: 10,
    Status.APPROVED: 15,
    Status.REJECTED: 10,
    Status.CONVERTED: 20,
}

FIRST_NAMES = (
    "Ada",
    "Alan",
    "Grace",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "John",
    "Katherine",
    "Linus",
    "Margaret",
    "Niklaus",
    "Radia",
    "Tim",
    "Hedy",
    "Dennis",
    "Sophie",
    "Yukihiro",
    "Guido",
    "Anita",
    "Leslie",
    "Shafi",
    "Karen",
    "Ken",
)
LAST_NAMES = (
    "Lovelace",
    "Turing",
    "Hopper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "McCarthy",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "Ritchie",
    "Wilson",
    "Matsumoto",
    "van Rossum",
    "Borg",
    "Lamport",
    "Goldwasser",
    "Sparck Jones",
    "Thompson",
)
SOURCES = ("website", "referral", "open_day", "social", "search")


@click.group("demo")
def demo() -> None:
    """Demo data for trying the system out."""


@demo.command("seed")
@click.option(
    "--registrations-per-school", default=240, show_default=True, type=click.IntRange(0, 5000)
)
@click.pass_obj
def seed(settings: Settings, registrations_per_school: int) -> None:
    """Create the demo schools (skipping those that exist) and print how to sign in."""
    connection = db.connect(settings, "registrar")
    try:
        for school in DEMO_SCHOOLS:
            seed_school(connection, school, registrations_per_school)
    finally:
        connection.close()


def seed_school(connection, school: DemoSchool, registrations: int) -> None:
    existing = school_by_slug(connection, school.slug)
    if existing is not None:
        click.echo(f"school {school.slug!r} (id {existing.id}) exists: left as it is")
    else:
        school_id = create_school(
            connection, school.name, school.slug, school.timezone, school.currency
        )
        click.echo(
            f"school {school.slug!r} (id {school_id}): {school.name}, "
            f"{school.timezone}, {school.currency}"
        )
        for role in ROLES:
            create_user(connection, school_id, _email(role, school), role, DEMO_PASSWORD)
        _seed_classes_and_fees(connection, school_id)
        stages = seed_registrations(connection, school_id, school, registrations)
        click.echo(
            "  registrations: " + ", ".join(f"{stage} {count}" for stage, count in stages.items())
        )
    for role in ROLES:
        click.echo(f"  {role:<9} {_email(role, school)} / {DEMO_PASSWORD}")


def seed_registrations(
    connection, school_id: int, school: DemoSchool, count: int
) -> dict[str, int]:
    rng = random.Random(school.slug)
    stages = {stage: 0 for stage in STAGE_PATHS}
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for number in range(count):
        # Every stage gets one before the weights decide, so even a small seed shows them all.
        stage = (
            list(STAGE_PATHS)[number]
            if number < len(STAGE_PATHS)
            else rng.choices(list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()))[0]
        )
        submitted_at = now - timedelta(minutes=rng.randrange(HISTORY_DAYS * 24 * 60))
        registration_id, _created = record_submission(
            connection, school_id, _submission(rng, school, number), submitted_at=submitted_at
        )
        for status, note in STAGE_PATHS[stage]:
            if status == Status.CONVERTED:
                # Converting makes the student record, as the registrar's convert does.
                convert(
                    connection,
                    school_id,
                    registration_id,
                    send_welcome_email=False,
                    actor=DEMO_ACTOR,
                )
                continue
            change_status(
                connection,
                school_id,
                registration_id,
                status,
                DEMO_ACTOR,
                note=note,
                missing=("birth certificate",) if status == Status.NEEDS_INFO else (),
            )
        stages[stage] += 1
    return stages


def _submission(rng: random.Random, school: DemoSchool, number: int) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    consent = rng.random() < 0.8
    return {
        "student_first_name": first,
        "student_last_name": last,
        "date_of_birth": datetime(
            2010 + rng.randrange(12), 1 + rng.randrange(12), 1 + rng.randrange(28)
        ).date(),
        "guardian_name": f"{rng.choice(FIRST_NAMES)} {last}",
        # The number keeps every demo submission distinct (they are fingerprinted).
        "guardian_email": f"{last.lower().replace(' ', '')}.{number}@families.example",
        "guardian_phone": f"+1 555 {rng.randrange(1000000):07d}" if consent else None,
        "program": rng.choice(school.programs),
        "source": rng.choice(SOURCES),
        "consent_email": consent,
        "consent_sms": consent and rng.random() < 0.5,
        "utm_source": rng.choice((None, "google", "facebook", "newsletter")),
    }


def _seed_classes_and_fees(connection, school_id: int) -> None:
    """Teachers and class schedules, then the fee schedules that price them, each seeded by
    the module that owns those tables."""
    with db.transaction(connection) as cursor:
        seeded = classes_store.seed_demo(cursor, school_id)
        billing_store.seed_demo(cursor, school_id)
    click.echo(
        f"  classes: {len(seeded['teachers'])} teachers, "
        f"{len(seeded['schedules'])} schedules, with fees"
    )


def _email(role: str, school: DemoSchool) -> str:
    return f"{role}@{school.slug}.edquill.test"
