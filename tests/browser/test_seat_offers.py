"""Seat offers in Chromium, from real e-mails: the seat_offered e-mail the notifier sent to the
SMTP sink carries the family link; accepting on that page places the child (the staff Class
tab shows it), declining sends the next family its offer, and a family withdrawing a placed
registration frees its seat for the list."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from registrar.service_layer.assignments import assign_class
from registrar.service_layer.waitlist import add_to_waitlist, unassign_class
from tests.support.classes import create_schedule, create_teacher
from tests.support.factories import create_registration
from tests.support.family import family_link_path
from tests.support.workspace import unique_family_email, wait_for_mail

STAFF = "setup@school.example"
OFFERED = "a seat has come free in the class you are waiting for"
SATURDAY = 5  # no demo class meets then


@dataclass
class FullClass:
    schedule_id: int
    name: str
    seated_id: int
    seated_email: str


def family_path_in(body: str, public_url: str) -> str:
    link = re.search(re.escape(public_url) + r"/family/[\w.-]+", body)[0]
    return link.removeprefix(public_url)


@pytest.fixture
def full_class(registrar_db, demo_school) -> FullClass:
    # A teacher of its own: the demo school is shared, and its teachers' classes with it.
    teacher_id = create_teacher(registrar_db, demo_school.id, f"Teacher {unique_family_email()}")
    name = f"Saturday chess {teacher_id}"
    schedule_id = create_schedule(
        registrar_db, demo_school.id, teacher_id, name=name, weekday=SATURDAY, capacity=1
    )
    email = unique_family_email()
    seated = create_registration(registrar_db, demo_school.id, first_name="Sam", email=email)
    assign_class(registrar_db, demo_school.id, seated, teacher_id, schedule_id, STAFF)
    return FullClass(schedule_id, name, seated, email)


def waiting_family(registrar_db, demo_school, full_class, first_name: str) -> tuple[int, str]:
    email = unique_family_email()
    registration_id = create_registration(
        registrar_db, demo_school.id, first_name=first_name, email=email
    )
    add_to_waitlist(registrar_db, demo_school.id, registration_id, full_class.schedule_id, STAFF)
    return registration_id, email


def test_an_offer_accepted_from_its_email_places_the_child(
    anonymous_page, page, settings, demo_school, registrar_db, system, full_class
):
    waiting, email = waiting_family(registrar_db, demo_school, full_class, "Hedy")
    unassign_class(registrar_db, demo_school.id, full_class.seated_id, STAFF)
    body = wait_for_mail(system.sink, email, OFFERED)

    anonymous_page.goto(family_path_in(body, settings.public_url))
    expect(anonymous_page.locator("#offered-class")).to_contain_text(full_class.name)
    anonymous_page.get_by_role("button", name="Accept the seat").click()

    expect(anonymous_page.locator("#offer-outcome")).to_contain_text("the seat is yours")
    expect(anonymous_page.get_by_role("heading", name="The class")).to_be_visible()
    page.goto(f"/admin/registrar?registration={waiting}&tab=class")
    expect(page.locator("#tabpanel-class .placed")).to_contain_text(full_class.name)


def test_a_declined_offer_goes_to_the_next_family(
    anonymous_page, settings, demo_school, registrar_db, system, full_class
):
    _, first_email = waiting_family(registrar_db, demo_school, full_class, "Hedy")
    _, second_email = waiting_family(registrar_db, demo_school, full_class, "Ida")
    unassign_class(registrar_db, demo_school.id, full_class.seated_id, STAFF)
    body = wait_for_mail(system.sink, first_email, OFFERED)

    anonymous_page.goto(family_path_in(body, settings.public_url))
    anonymous_page.get_by_role("button", name="Decline the seat").click()

    expect(anonymous_page.locator("#offer-outcome")).to_contain_text("You turned the seat down")
    assert OFFERED in wait_for_mail(system.sink, second_email, OFFERED)


def test_withdrawing_a_placed_registration_offers_its_seat(
    anonymous_page, settings, demo_school, registrar_db, system, full_class
):
    _, email = waiting_family(registrar_db, demo_school, full_class, "Hedy")

    anonymous_page.goto(
        family_link_path(settings, demo_school.id, full_class.seated_id, full_class.seated_email)
    )
    anonymous_page.get_by_role("button", name="Withdraw the registration").click()

    expect(anonymous_page.locator("#stage")).to_have_text("Withdrawn")
    assert full_class.name in wait_for_mail(system.sink, email, OFFERED)
