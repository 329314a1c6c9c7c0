"""Inviting a colleague in Chromium, through the real notifier path: an admin on /admin/staff
sends the invitation, the outbox relay and the notifier worker deliver its e-mail to the SMTP
sink, the colleague opens the link from that e-mail, sets a password and signs in with it;
when the admin disables them, their open session stops at its next page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.support.staff_invitations import invitation_path_in, unique_colleague_email
from tests.support.workspace import wait_for_mail

CHOSEN_PASSWORD = "a password of my own choosing"


def test_an_invited_colleague_sets_a_password_from_the_mail_signs_in_and_is_stopped_when_disabled(
    admin_tab, colleague_tab, system, settings
):
    colleague = unique_colleague_email()
    admin_tab.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    invite = admin_tab.get_by_role("region", name="Invite a colleague")
    invite.get_by_label("E-mail").fill(colleague)
    invite.get_by_label("Role").select_option("registrar")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(admin_tab.get_by_role("status")).to_contain_text("The invitation was sent")
    expect(invite.get_by_role("row", name=re.compile(re.escape(colleague)))).to_be_visible()

    body = wait_for_mail(system.sink, colleague, "invited you")
    colleague_tab.goto(invitation_path_in(body, settings.public_url))
    expect(colleague_tab.get_by_role("heading", level=1)).to_have_text("Join your school's staff")
    colleague_tab.get_by_label("New password").fill(CHOSEN_PASSWORD)
    colleague_tab.get_by_label("The same password again").fill(CHOSEN_PASSWORD)
    colleague_tab.get_by_role("button", name="Set my password").click()
    colleague_tab.wait_for_url("**/login?invited=1")
    expect(colleague_tab.get_by_role("status")).to_contain_text("Your password is set")

    sign_in(colleague_tab, colleague, CHOSEN_PASSWORD)
    expect(colleague_tab.get_by_role("heading", level=1)).to_have_text("Registrations")
    admin_tab.reload()
    expect(invite.get_by_role("row", name=re.compile(re.escape(colleague)))).to_have_count(0)
    accounts = admin_tab.get_by_role("region", name="Accounts")
    row = accounts.get_by_role("row", name=re.compile(re.escape(colleague)))
    row.get_by_role("button", name=f"Disable {colleague}").click()
    expect(admin_tab.get_by_role("status")).to_contain_text("The account was disabled")

    colleague_tab.reload()
    expect(colleague_tab).to_have_url(re.compile(r"/login\?next="))


def test_the_invitation_page_says_plainly_when_its_link_was_used(
    admin_tab, colleague_tab, system, settings
):
    colleague = unique_colleague_email()
    admin_tab.goto("/admin/staff")
    invite = admin_tab.get_by_role("region", name="Invite a colleague")
    invite.get_by_label("E-mail").fill(colleague)
    invite.get_by_role("button", name="Send the invitation").click()
    link = invitation_path_in(
        wait_for_mail(system.sink, colleague, "invited you"), settings.public_url
    )
    colleague_tab.goto(link)
    colleague_tab.get_by_label("New password").fill(CHOSEN_PASSWORD)
    colleague_tab.get_by_label("The same password again").fill(CHOSEN_PASSWORD)
    colleague_tab.get_by_role("button", name="Set my password").click()
    colleague_tab.wait_for_url("**/login?invited=1")

    colleague_tab.goto(link)

    expect(colleague_tab.get_by_role("heading", level=1)).to_have_text(
        "This invitation was used already"
    )
    expect(colleague_tab.get_by_role("link", name="Go to the sign-in")).to_be_visible()
