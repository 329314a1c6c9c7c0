"""Seat offers to a class's waitlist: taking, declining and letting one lapse, and twenty
takers at once for one seat, on the session's MariaDB."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from registrar.service_layer.assignments import ScheduleConflict, assign_class
from registrar.service_layer.family import withdraw
from registrar.service_layer.waitlist import (
    OfferNotOpen,
    accept_offer,
    add_to_waitlist,
    decline_offer,
    expire_offers,
    unassign_class,
)
from shared import db
from shared.errors import Conflict
from shared.family_links import FamilyLink, sign_family_link
from shared.signing import KeyRing
from tests.support.classes import outbox_events
from tests.support.factories import create_registration
from tests.support.processes import run_edquill
from tests.support.waitlist import full_class, offers_of, placed_in, waiting_registration

CONTENDERS = 20
# Past the default hold of 48 hours.
LATER = timedelta(hours=49)


@pytest.fixture
def piano(registrar_db, school):
    return full_class(registrar_db, school.id)


@pytest.fixture
def line(registrar_db, school, piano) -> list[int]:
    """Two families waiting for the full class, the first offered the seat just freed."""
    waiting = [waiting_registration(registrar_db, school.id, name) for name in ("Ada", "Bob")]
    for registration_id in waiting:
        add_to_waitlist(registrar_db, school.id, registration_id, piano.schedule_id, "staff")
    unassign_class(registrar_db, school.id, piano.seated[0], "staff")
    return waiting


def now() -> datetime:
    return datetime.now(timezone.utc)


def open_offer(connection, registration_id: int) -> int:
    [offer] = [o for o in offers_of(connection, registration_id) if o["state"] == "open"]
    return offer["id"]


def test_accepting_places_the_child(registrar_db, school, piano, line):
    offer_id = open_offer(registrar_db, line[0])

    accept_offer(registrar_db, school.id, line[0], offer_id, now(), "family")

    assert placed_in(registrar_db, piano.schedule_id) == [line[0]]
    assert [o["state"] for o in offers_of(registrar_db, line[0])] == ["accepted"]
    [accepted] = outbox_events(registrar_db, school.id, "selfreg.seat.accepted")
    assert accepted["payload"]["offer_id"] == offer_id


def test_accepting_twice_is_refused_clearly(registrar_db, school, line):
    offer_id = open_offer(registrar_db, line[0])
    accept_offer(registrar_db, school.id, line[0], offer_id, now(), "family")

    with pytest.raises(OfferNotOpen, match="accepted"):
        accept_offer(registrar_db, school.id, line[0], offer_id, now(), "family")


def test_another_registrations_offer_is_not_found(registrar_db, school, line):
    offer_id = open_offer(registrar_db, line[0])

    with pytest.raises(Exception) as refused:
        accept_offer(registrar_db, school.id, line[1], offer_id, now(), "family")

    assert type(refused.value).__name__ == "NotFound"


def test_declining_offers_the_seat_to_the_next(registrar_db, school, line):
    offer_id = open_offer(registrar_db, line[0])

    decline_offer(registrar_db, school.id, line[0], offer_id, now(), "family")

    assert [o["state"] for o in offers_of(registrar_db, line[0])] == ["declined"]
    assert [o["state"] for o in offers_of(registrar_db, line[1])] == ["open"]
    assert len(outbox_events(registrar_db, school.id, "selfreg.seat.declined")) == 1


def test_an_offer_past_its_time_cannot_be_accepted(registrar_db, school, line):
    offer_id = open_offer(registrar_db, line[0])

    with pytest.raises(OfferNotOpen, match="expired"):
        accept_offer(registrar_db, school.id, line[0], offer_id, now() + LATER, "family")


def test_expiry_passes_the_offer_to_the_next(registrar_db, school, line):
    first_offer = open_offer(registrar_db, line[0])

    assert expire_offers(registrar_db, now(), school.id) == 0
    assert expire_offers(registrar_db, now() + LATER, school.id) == 1

    assert [o["state"] for o in offers_of(registrar_db, line[0])] == ["expired"]
    assert [o["state"] for o in offers_of(registrar_db, line[1])] == ["open"]
    [expired] = outbox_events(registrar_db, school.id, "selfreg.seat.expired")
    assert expired["payload"]["offer_id"] == first_offer and expired["payload"]["expires_at"]
    offered = outbox_events(registrar_db, school.id, "selfreg.seat.offered")
    assert [e["aggregate_id"] for e in offered] == line


def test_the_expiry_command_moves_time_with_its_clock(settings, registrar_db, school, line):
    moment = (now() + LATER).strftime("%Y-%m-%dT%H:%M:%S")

    done = run_edquill(
        settings, "waitlist", "expire-offers", "--school-id", str(school.id), "--at", moment
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "expired 1 seat offer(s)"
    assert [o["state"] for o in offers_of(registrar_db, line[1])] == ["open"]


def test_the_hold_is_the_schools_setting(registrar_db, school, piano):
    with registrar_db.cursor() as cursor:
        cursor.execute("UPDATE schools SET seat_offer_hours = 2 WHERE id = %s", (school.id,))
    waiting = waiting_registration(registrar_db, school.id, "Ada")
    add_to_waitlist(registrar_db, school.id, waiting, piano.schedule_id, "staff")

    unassign_class(registrar_db, school.id, piano.seated[0], "staff")

    [offer] = offers_of(registrar_db, waiting)
    assert offer["expires_at"] - offer["offered_at"] == timedelta(hours=2)


def test_twenty_takers_at_once_fill_one_seat_once(settings, registrar_db, school, piano, line):
    """Half the threads accept the offer, half are registrars placing newcomers; each thread
    has its own connection. Exactly one placement lands; every other gets a refusal."""
    offer_id = open_offer(registrar_db, line[0])
    newcomers = [
        create_registration(registrar_db, school.id, email=f"new{n}@example.com")
        for n in range(CONTENDERS // 2)
    ]
    start = threading.Barrier(CONTENDERS)
    outcomes: list[str] = []

    def take(action) -> None:
        connection = db.connect(settings, "registrar")
        try:
            start.wait(timeout=30)
            action(connection)
            outcomes.append("placed")
        except (OfferNotOpen, ScheduleConflict, Conflict) as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    def accept(connection):
        accept_offer(connection, school.id, line[0], offer_id, now(), "family")

    def assign(newcomer):
        return lambda connection: assign_class(
            connection, school.id, newcomer, piano.teacher_id, piano.schedule_id, "staff"
        )

    actions = [accept] * (CONTENDERS // 2) + [assign(n) for n in newcomers]
    threads = [threading.Thread(target=take, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == CONTENDERS
    assert outcomes.count("placed") == 1
    assert placed_in(registrar_db, piano.schedule_id) == [line[0]]
    assert set(outcomes) - {"placed"} <= {"offer_not_open", "schedule_conflict"}


def test_a_family_withdrawing_frees_its_seat_for_the_next(settings, registrar_db, school, piano):
    waiting = waiting_registration(registrar_db, school.id, "Ada")
    add_to_waitlist(registrar_db, school.id, waiting, piano.schedule_id, "staff")
    keys = KeyRing.of(settings)
    token = sign_family_link(
        keys,
        FamilyLink(school.id, piano.seated[0], "seated0@example.com", now() + timedelta(days=1)),
    )

    withdraw(registrar_db, keys, token, now(), version=1, reason=None)

    assert placed_in(registrar_db, piano.schedule_id) == []
    assert [o["state"] for o in offers_of(registrar_db, waiting)] == ["open"]


def test_an_offered_family_withdrawing_passes_the_offer_on(settings, registrar_db, school, line):
    keys = KeyRing.of(settings)
    token = sign_family_link(
        keys, FamilyLink(school.id, line[0], "ada@example.com", now() + timedelta(days=1))
    )

    withdraw(registrar_db, keys, token, now(), version=1, reason=None)

    assert [o["state"] for o in offers_of(registrar_db, line[0])] == ["cancelled"]
    assert [o["state"] for o in offers_of(registrar_db, line[1])] == ["open"]


def test_the_hold_command_sets_the_schools_hours(settings, registrar_db, school):
    done = run_edquill(
        settings, "waitlist", "set-hold", "--school-id", str(school.id), "--hours", "6"
    )

    assert done.returncode == 0, done.stderr
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT seat_offer_hours FROM schools WHERE id = %s", (school.id,))
        assert cursor.fetchone()["seat_offer_hours"] == 6


def test_the_hold_command_refuses_a_hold_out_of_range(settings, school):
    done = run_edquill(
        settings, "waitlist", "set-hold", "--school-id", str(school.id), "--hours", "0"
    )

    assert done.returncode != 0 and "--hours" in done.stderr
