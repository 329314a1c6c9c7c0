"""`edquill demo seed`: demo schools with staff accounts, classes and eight weeks of history.

The history is made the way a real one is: families submit, staff review, ask for documents,
place, approve and invoice, record payments and enrol, each through the registrar's own use
case with the database session's clock set to the day it happened (demo_history plans the
story, demo_replay tells it). The outbox therefore holds dated events, and once the relays
carry them the dashboard, the KPI figures and the mail agree with the registrar's tables.
Seeded random: the same story every time. Running it again leaves existing demo schools
alone. The demo password is printed and public: never seed a production database.
"""

from __future__ import annotations

import random
import time as timer
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import click

from registrar.adapters import billing_store
from registrar.adapters.schools_store import create_school, school_by_slug
from registrar.adapters.users_store import create_user
from registrar.entrypoints.demo_families import demo_submission
from registrar.entrypoints.demo_history import (
    HISTORY_DAYS,
    Action,
    Outcome,
    history_end,
    pick_outcome,
    plan_steps,
    submission_moment,
)
from registrar.entrypoints.demo_replay import DEMO_ACTOR, DemoClass, Replay
from registrar.service_layer.approvals import AUTOPAY_FLAG
from registrar.service_layer.classes import add_schedule, add_teacher
from registrar.service_layer.flags import set_flag
from shared import db
from shared.config import Settings
from shared.roles import ROLES

DEMO_PASSWORD = "edquill-demo-password"


@dataclass(frozen=True)
class DemoSchool:
    name: str
    slug: str
    timezone: str
    currency: str
    programs: tuple[str, ...]
    teachers: tuple[str, ...]
    # Each class's tuition, in the currency's minor units.
    tuition_minor: int


DEMO_SCHOOLS = (
    DemoSchool(
        "Demo Academy",
        "demo",
        "America/New_York",
        "USD",
        ("Early Years", "Primary", "Middle School", "After-school Club"),
        ("Grace Hopper", "Alan Turing", "Katherine Johnson"),
        45000,
    ),
    DemoSchool(
        "Riverside Music School",
        "riverside-music",
        "Europe/London",
        "GBP",
        ("Piano", "Violin", "Guitar", "Choir"),
        ("Clara Schumann", "Niccolo Paganini", "Django Reinhardt"),
        32000,
    ),
    DemoSchool(
        "Sakura Language Centre",
        "sakura-language",
        "Asia/Tokyo",
        "JPY",
        ("Japanese for Kids", "English Conversation", "Exam Preparation"),
        ("Haruki Sato", "Emily Clarke"),
        38000,
    ),
)

# The first registrations of a school are headed for every outcome in turn, and submitted
# long enough ago to get there, so even a small seed shows every stage.
GUARANTEED_OUTCOMES = tuple(Outcome)
GUARANTEED_SUBMITTED_DAYS_AGO = 30
# Two weekly classes per program, each with this many seats: room for every family the story
# places, so no story stops at a full class.
SECTIONS_PER_PROGRAM = 2
SEATS_PER_CLASS = 40
# The weekly slots classes take in turn (weekday, start), none shared: a teacher never teaches
# two classes at once.
CLASS_SLOTS = tuple((weekday, start) for weekday in range(5) for start in ("15:30", "17:00"))
CLASS_MINUTES = 75


@click.group("demo")
def demo() -> None:
    """Demo data for trying the system out."""


@demo.command("seed")
@click.option(
    "--registrations-per-school", default=150, show_default=True, type=click.IntRange(0, 5000)
)
@click.pass_obj
def seed(settings: Settings, registrations_per_school: int) -> None:
    """Create the demo schools (skipping those that exist), their history, and print how to
    sign in."""
    started = timer.monotonic()
    connection = db.connect(settings, "registrar")
    try:
        # One after the other, so the schools' ids are always the same.
        opened = [open_school(connection, school) for school in DEMO_SCHOOLS]
    finally:
        connection.close()
    # The histories are independent and each waits on its commits: side by side they take
    # the time of the longest rather than of all three.
    with ThreadPoolExecutor(max_workers=len(DEMO_SCHOOLS)) as pool:
        histories = list(
            pool.map(
                lambda school: tell_history(settings, school, registrations_per_school), opened
            )
        )
    for school, history in zip(opened, histories):
        click.echo("\n".join([*school.lines, *history]))
        for role in ROLES:
            click.echo(f"  {role:<9} {_email(role, school.school)} / {DEMO_PASSWORD}")
    click.echo(f"seeded in {timer.monotonic() - started:.1f} s")


@dataclass(frozen=True)
class OpenedSchool:
    school: DemoSchool
    school_id: int
    # Where its history ends (the start of its today) and its classes; None: it existed.
    history_end: datetime | None
    classes: dict[str, list[DemoClass]]
    lines: list[str]


def open_school(connection, school: DemoSchool) -> OpenedSchool:
    existing = school_by_slug(connection, school.slug)
    if existing is not None:
        return OpenedSchool(
            school,
            existing.id,
            None,
            {},
            [f"school {school.slug!r} (id {existing.id}) exists: left as it is"],
        )
    end = history_end(datetime.now(timezone.utc), ZoneInfo(school.timezone))
    opened = end - timedelta(days=HISTORY_DAYS + 7)
    with db.session_clock(connection, opened):
        school_id = _create_school(connection, school)
        classes = _add_classes(connection, school_id, school, opened)
    count = sum(len(sections) for sections in classes.values())
    return OpenedSchool(
        school,
        school_id,
        end,
        classes,
        [
            f"school {school.slug!r} (id {school_id}): {school.name}, "
            f"{school.timezone}, {school.currency}",
            f"  classes: {len(school.teachers)} teachers, {count} classes, with fees",
        ],
    )


def tell_history(settings: Settings, opened: OpenedSchool, registrations: int) -> list[str]:
    """A new school's history, on a connection of its own; the lines that describe it."""
    if opened.history_end is None:
        return []
    connection = db.connect(settings, "registrar")
    try:
        replay = Replay(connection, settings, opened.school_id, opened.classes)
        seed_history(replay, opened.school, registrations, opened.history_end)
    finally:
        connection.close()
    done = replay.done
    return [
        f"  history: {registrations} registrations over {HISTORY_DAYS} days; "
        f"{done.get(Action.APPROVE, 0)} approved and invoiced, "
        f"{done.get(Action.PAY, 0)} paid, {done.get(Action.CONVERT, 0)} enrolled, "
        f"{done.get(Action.ASK_FOR_INFO, 0)} asked for a document"
    ]


def seed_history(replay: Replay, school: DemoSchool, count: int, end: datetime) -> dict:
    """`count` registrations, each submitted and taken as far along its story as it got
    before `end`; returns how many were headed for each outcome."""
    rng = random.Random(school.slug)
    zone = ZoneInfo(school.timezone)
    outcomes = dict.fromkeys(Outcome, 0)
    for number in range(count):
        if number < len(GUARANTEED_OUTCOMES):
            outcome = GUARANTEED_OUTCOMES[number]
            submitted_at = submission_moment(rng, end, zone, GUARANTEED_SUBMITTED_DAYS_AGO)
        else:
            outcome = pick_outcome(rng)
            submitted_at = submission_moment(rng, end, zone)
        submission = demo_submission(rng, school.programs, number)
        registration_id = replay.submit(submission, submitted_at)
        steps = plan_steps(rng, outcome, submitted_at, end)
        replay.follow(registration_id, submission["program"], steps, number)
        outcomes[outcome] += 1
    return outcomes


def _create_school(connection, school: DemoSchool) -> int:
    """The school, its staff accounts (one per role) and autopay offered with invoices."""
    school_id = create_school(
        connection, school.name, school.slug, school.timezone, school.currency
    )
    for role in ROLES:
        create_user(connection, school_id, _email(role, school), role, DEMO_PASSWORD)
    set_flag(connection, school_id, AUTOPAY_FLAG, True, DEMO_ACTOR)
    return school_id


def _add_classes(
    connection, school_id: int, school: DemoSchool, opened: datetime
) -> dict[str, list[DemoClass]]:
    """Teachers and two classes of each program for a term that began when the school
    opened, through the classes use cases; then the registration fee every enrolment pays."""
    teachers = [
        add_teacher(connection, school_id, name, _teacher_email(name, school), DEMO_ACTOR)
        for name in school.teachers
    ]
    term_start = opened.date() - timedelta(days=opened.weekday())
    classes: dict[str, list[DemoClass]] = {}
    for number, (program, section) in enumerate(
        (program, section)
        for program in school.programs
        for section in range(1, SECTIONS_PER_PROGRAM + 1)
    ):
        weekday, start = CLASS_SLOTS[number]
        starts_at = datetime.combine(term_start, time.fromisoformat(start))
        teacher_id = teachers[number % len(teachers)]
        schedule_id = add_schedule(
            connection,
            school_id,
            {
                "teacher_id": teacher_id,
                "name": f"{program} {'AB'[section - 1]}",
                "program": program,
                "room": f"Room {number + 1}",
                "weekday": weekday,
                "start_time": starts_at.time(),
                "end_time": (starts_at + timedelta(minutes=CLASS_MINUTES)).time(),
                "starts_on": term_start,
                "ends_on": term_start + timedelta(weeks=30) - timedelta(days=1),
                "capacity": SEATS_PER_CLASS,
                "fee_minor": school.tuition_minor,
            },
            DEMO_ACTOR,
        )
        classes.setdefault(program, []).append(DemoClass(schedule_id, teacher_id, program))
    with db.transaction(connection) as cursor:
        billing_store.seed_demo(cursor, school_id)
    return classes


def _teacher_email(name: str, school: DemoSchool) -> str:
    return f"{name.lower().replace(' ', '.')}@{school.slug}.edquill.test"


def _email(role: str, school: DemoSchool) -> str:
    return f"{role}@{school.slug}.edquill.test"
