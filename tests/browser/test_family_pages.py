"""The family's page in Chromium, opened from a real e-mail: the needs-info e-mail the notifier
sent to the SMTP sink carries the family link; it opens the status page with the school's
question; withdrawing there shows on the staff board."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from registrar.service_layer.assignments import assign_class
from registrar.service_layer.lead_status import change_status
from shared.family_links import FamilyLink, family_path
from shared.signing import KeyRing
from tests.support.factories import create_registration
from tests.support.family import family_path_in
from tests.support.workspace import unique_family_email, wait_for_mail

STAFF = "setup@school.example"
QUESTION = "Please send a copy of the birth certificate."


def test_a_needs_info_mails_link_shows_the_question_and_a_withdrawal_reaches_the_board(
    anonymous_page, page, settings, demo_school, registrar_db, system
):
    email = unique_family_email()
    registration_id = create_registration(
        registrar_db, demo_school.id, first_name="Hedy", email=email
    )
    change_status(registrar_db, demo_school.id, registration_id, "in_review", STAFF)
    assign_class(
        registrar_db,
        demo_school.id,
        registration_id,
        demo_school.teachers["Alan Turing"],
        demo_school.schedules["Chess club"],
        STAFF,
    )
    change_status(
        registrar_db,
        demo_school.id,
        registration_id,
        "needs_info",
        STAFF,
        note=QUESTION,
        missing=("birth certificate",),
    )
    body = wait_for_mail(system.sink, email, QUESTION)

    anonymous_page.goto(family_path_in(body, settings.public_url))

    expect(anonymous_page.get_by_role("heading", level=1)).to_have_text(
        "Hedy Lovelace’s registration"
    )
    expect(anonymous_page.locator("#school-question")).to_have_text(QUESTION)
    expect(anonymous_page.locator("#still-missing")).to_contain_text("birth certificate")
    expect(anonymous_page.get_by_role("heading", name="The class")).to_be_visible()

    anonymous_page.get_by_label("Why are you withdrawing?").fill("We moved to another town.")
    anonymous_page.get_by_role("button", name="Withdraw the registration").click()

    expect(anonymous_page.locator("#stage")).to_have_text("Withdrawn")
    page.goto("/admin/registrar")
    expect(page.locator(f"#cards-withdrawn #card-{registration_id}")).to_be_visible()


def test_an_expired_link_and_another_registrations_link_show_a_page_offering_a_fresh_one(
    anonymous_page, settings, demo_school, registrar_db
):
    mine, theirs = unique_family_email(), unique_family_email()
    my_registration = create_registration(registrar_db, demo_school.id, email=mine)
    their_registration = create_registration(registrar_db, demo_school.id, email=theirs)
    keys = KeyRing.of(settings)
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    expired = family_path(keys, FamilyLink(demo_school.id, my_registration, mine, an_hour_ago))
    # Signed, but for another registration than the address's: it opens nothing.
    later = datetime.now(timezone.utc) + timedelta(days=1)
    not_theirs = family_path(keys, FamilyLink(demo_school.id, their_registration, mine, later))

    response = anonymous_page.goto(expired)
    assert response.status == 410
    expect(anonymous_page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(anonymous_page.get_by_role("link", name="Get a fresh link")).to_be_visible()

    response = anonymous_page.goto(not_theirs)
    assert response.status == 403
    expect(anonymous_page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(anonymous_page.locator("body")).not_to_contain_text("Lovelace")

    anonymous_page.get_by_role("link", name="Get a fresh link").click()
    expect(anonymous_page.get_by_label("Your e-mail address")).to_be_visible()
