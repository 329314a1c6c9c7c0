"""The staff and audit pages in Chromium against the running services: an admin adds a
colleague who signs in, disables them and their open session stops at its next page; a
status change made on the board is found in the audit trail."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.support.factories import create_registration

COLLEAGUE_PASSWORD = "a long first password"


def test_an_admin_adds_a_colleague_who_signs_in_and_is_stopped_when_disabled(
    admin_tab, colleague_tab
):
    colleague = f"colleague-{secrets.token_hex(4)}@school.example"
    admin_tab.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    expect(admin_tab.get_by_role("heading", level=1)).to_have_text("Staff")
    add = admin_tab.get_by_role("region", name="Add a colleague")
    add.get_by_label("E-mail").fill(colleague)
    add.get_by_label("Role").select_option("registrar")
    add.get_by_label("First password").fill(COLLEAGUE_PASSWORD)
    add.get_by_role("button", name="Add the account").click()
    expect(admin_tab.get_by_role("status")).to_contain_text("The account was added")

    sign_in(colleague_tab, colleague, COLLEAGUE_PASSWORD)
    expect(colleague_tab.get_by_role("heading", level=1)).to_have_text("Registrations")
    admin_tab.reload()
    accounts = admin_tab.get_by_role("region", name="Accounts")
    row = accounts.get_by_role("row", name=re.compile(re.escape(colleague)))
    expect(row).not_to_contain_text("Never")  # the sign-in is shown
    row.get_by_role("button", name=f"Disable {colleague}").click()
    expect(admin_tab.get_by_role("status")).to_contain_text("The account was disabled")

    colleague_tab.reload()
    expect(colleague_tab).to_have_url(re.compile(r"/login\?next="))


def test_the_keyboard_reaches_the_staff_pages_forms(admin_tab):
    admin_tab.goto("/admin/staff")
    add = admin_tab.get_by_role("region", name="Add a colleague")
    add.get_by_label("E-mail").focus()

    admin_tab.keyboard.press("Tab")

    expect(add.get_by_label("Role")).to_be_focused()


def test_a_status_change_on_the_board_is_found_in_the_audit_trail(page, registrar_db, demo_school):
    registration_id = create_registration(registrar_db, demo_school.id, first_name="Ivy")
    page.goto(f"/admin/registrar?registration={registration_id}")
    page.get_by_role("radio", name="In review").check()
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("the registration is now In review")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    page.get_by_label("Registration number").fill(str(registration_id))
    page.get_by_label("Action").select_option("status_changed")
    page.get_by_role("button", name="Show").click()

    entry = page.locator("#audit-trail tbody tr")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(demo_school.staff_email)
    expect(entry.locator("td").nth(4)).to_have_text("pending")
    expect(entry.locator("td").nth(5)).to_have_text("in_review")
