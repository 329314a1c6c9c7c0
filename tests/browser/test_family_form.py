"""The family's registration form at /register/{slug} in Chromium, on a phone-sized screen:
sending it, the errors next to their fields, the consent choices, and an unknown school."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.workspace import unique_family_email

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def family_page(browser, system):
    context = browser.new_context(
        base_url=system.registrar_url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    yield tab
    context.close()


def registration_of(connection, school_id: int, email: str) -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM student_self_registrations WHERE school_id = %s AND guardian_email = %s",
            (school_id, email),
        )
        return cursor.fetchone()


def test_a_family_registers_and_reads_what_happens_next(family_page, demo_school, registrar_db):
    email = unique_family_email()
    family_page.goto(f"/register/{demo_school.slug}?utm_source=website")

    family_page.get_by_label("First name").fill("Nora")
    family_page.get_by_label("Last name").fill("Okafor")
    family_page.get_by_label("Date of birth").fill("2016-04-02")
    family_page.get_by_label("Your name").fill("Ada Okafor")
    family_page.get_by_label("E-mail address").fill(email)
    family_page.get_by_label("What would the student like to learn?").select_option("music")
    family_page.get_by_label("Yes, e-mail me reminders").check()
    family_page.get_by_role("button", name="Send registration").click()

    expect(family_page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: we have your registration"
    )
    expect(family_page.get_by_role("heading", name="What happens next")).to_be_visible()
    stored = registration_of(registrar_db, demo_school.id, email)
    assert stored["status"] == "pending" and stored["student_first_name"] == "Nora"
    assert stored["program"] == "music" and stored["utm_source"] == "website"
    assert stored["consent_email"] == 1 and stored["consent_sms"] == 0


def test_missing_answers_are_listed_and_named_next_to_their_fields(family_page, demo_school):
    family_page.goto(f"/register/{demo_school.slug}")
    family_page.get_by_label("Last name").fill("Okafor")

    family_page.get_by_role("button", name="Send registration").click()

    summary = family_page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please check these 2 answers")
    first_name = family_page.get_by_label("First name")
    expect(first_name).to_have_attribute("aria-invalid", "true")
    expect(first_name).to_have_accessible_description(
        "Error: Please enter the student's first name."
    )
    expect(family_page.get_by_label("Last name")).to_have_value("Okafor")
    summary.get_by_role("link", name="Please enter an e-mail address").click()
    expect(family_page.get_by_label("E-mail address")).to_be_focused()


def test_text_messages_without_a_phone_number_are_explained(family_page, demo_school, registrar_db):
    email = unique_family_email()
    family_page.goto(f"/register/{demo_school.slug}")
    family_page.get_by_label("First name").fill("Tom")
    family_page.get_by_label("Last name").fill("Okafor")
    family_page.get_by_label("E-mail address").fill(email)
    family_page.get_by_label("Yes, the school may send text messages").check()

    family_page.get_by_role("button", name="Send registration").click()

    expect(family_page.locator("#guardian_phone-error")).to_contain_text(
        "Please enter a phone number, or untick"
    )
    assert registration_of(registrar_db, demo_school.id, email) is None


def test_the_form_fits_a_phone_screen_without_sideways_scrolling(family_page, demo_school):
    family_page.goto(f"/register/{demo_school.slug}")

    widths = family_page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )

    assert widths[0] <= widths[1]


def test_an_unknown_school_is_a_friendly_not_found_page(family_page):
    answer = family_page.goto("/register/no-such-school")

    assert answer.status == 404
    expect(family_page.get_by_role("heading", level=1)).to_have_text(
        "We could not find this registration page"
    )
