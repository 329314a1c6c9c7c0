"""The family answers the school in Chromium, from a real e-mail: the needs-info e-mail's link
opens the family page, the family uploads a PDF and writes its answer, and the signed-in
registrar's board shows the card in review marked "Family answered", with the document in
the Docs tab."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from registrar.service_layer.lead_status import change_status
from tests.support.factories import create_registration
from tests.support.workspace import unique_family_email, wait_for_mail

STAFF = "setup@school.example"
QUESTION = "Please send a copy of the immunisation record."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def family_path_in(body: str, public_url: str) -> str:
    link = re.search(re.escape(public_url) + r"/family/[\w.-]+", body)[0]
    return link.removeprefix(public_url)


def test_the_family_answers_from_the_mails_link_and_the_board_shows_it(
    anonymous_page, page, settings, demo_school, registrar_db, system
):
    email = unique_family_email()
    registration_id = create_registration(
        registrar_db, demo_school.id, first_name="Grace", email=email
    )
    change_status(registrar_db, demo_school.id, registration_id, "in_review", STAFF)
    change_status(registrar_db, demo_school.id, registration_id, "needs_info", STAFF, note=QUESTION)
    body = wait_for_mail(system.sink, email, QUESTION)

    anonymous_page.goto(family_path_in(body, settings.public_url))
    expect(anonymous_page.locator("#school-question")).to_have_text(QUESTION)
    anonymous_page.get_by_label("Documents").set_input_files(
        {"name": "immunisation.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    anonymous_page.get_by_label("Your answer").fill("Here is the record.")
    anonymous_page.get_by_role("button", name="Send to the school").click()

    expect(anonymous_page.locator("#answer-sent")).to_be_visible()
    expect(anonymous_page.locator("#stage")).to_have_text("In review")

    page.goto("/admin/registrar")
    card = page.locator(f"#cards-in_review #card-{registration_id}")
    expect(card).to_contain_text("Family answered")
    page.goto(f"/admin/registrar?registration={registration_id}&tab=docs")
    docs = page.locator("#tabpanel-docs")
    expect(docs).to_contain_text("immunisation.pdf")
    expect(docs).to_contain_text("uploaded by the family")
