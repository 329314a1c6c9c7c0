"""The registrar workspace in Chromium, following the runbook's demo: open a pending
registration from the board, move it to in_review (its event goes through the outbox to the
notifier and the family's e-mail lands in the mail sink), try a full class and see the
warning before saving, take a suggested free class, approve with the invoice and the autopay
link, convert with the welcome e-mail, and read it all in History. Then bad input, a stale
page, the keyboard, and a stage of 1,000 registrations.

Status e-mails: the demo school turns on status updates for in_review in the notifier's
settings (tests.support.workspace.create_demo_school), so the move to in_review mails the
family; needs_info, approval and welcome e-mails are sent whatever a school chose.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timezone

from playwright.sync_api import expect

from registrar.adapters.board_store import BOARD_PAGE_SIZE, STAGE_PAGE_SIZE
from registrar.service_layer.approvals import approve
from registrar.service_layer.assignments import assign_class
from registrar.service_layer.lead_status import change_status
from tests.support.classes import place
from tests.support.factories import create_registration, create_school
from tests.support.waiting import wait_until
from tests.support.workspace import (
    DELIVERY_TIMEOUT,
    STAFF_PASSWORD,
    call,
    create_user_with_command,
    mail_to,
    unique_family_email,
    wait_for_mail,
)

SETUP_ACTOR = "setup@school.example"


def new_registration(
    connection,
    school,
    *,
    status: str = "pending",
    schedule: str | None = None,
    first_name: str = "Ada",
    settings=None,
) -> tuple[int, str]:
    """A registration of a family of its own, moved through the service layer (audited,
    versioned, with its events) to `status`, placed in `schedule` when named."""
    email = unique_family_email()
    registration_id = create_registration(connection, school.id, first_name=first_name, email=email)
    if status in ("in_review", "approved"):
        change_status(connection, school.id, registration_id, "in_review", SETUP_ACTOR)
    if schedule is not None:
        schedule_id = school.schedules[schedule]
        teacher = {
            "Piano for beginners": "Grace Hopper",
            "Piano, intermediate": "Grace Hopper",
            "Chess club": "Alan Turing",
            "Robotics": "Alan Turing",
        }[schedule]
        assign_class(
            connection,
            school.id,
            registration_id,
            school.teachers[teacher],
            schedule_id,
            SETUP_ACTOR,
        )
    if status == "approved":
        approve(
            connection,
            settings,
            school.id,
            registration_id,
            send_invoice=False,
            send_autopay_link=False,
            actor=SETUP_ACTOR,
            now=datetime.now(timezone.utc),
        )
    return registration_id, email


def open_panel(page, registration_id: int, tab: str | None = None):
    page.goto(f"/admin/registrar?registration={registration_id}" + (f"&tab={tab}" if tab else ""))
    expect(page.locator("#panel-title")).to_be_visible()


def outbox_rows(connection, registration_id: int, event_type: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_type, payload, processed_at FROM t_event_outbox "
            "WHERE aggregate_id = %s AND event_type = %s "
            "AND aggregate_type = 'self_registration' ORDER BY id",
            (registration_id, event_type),
        )
        return [{**row, "payload": json.loads(row["payload"])} for row in cursor.fetchall()]


def status_of(connection, registration_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM student_self_registrations WHERE id = %s", (registration_id,)
        )
        return cursor.fetchone()["status"]


# -- the demo ----------------------------------------------------------------------------


def test_the_board_shows_every_stage_with_its_count(page, demo_school, registrar_db):
    new_registration(registrar_db, demo_school, first_name="Boardy")

    page.goto("/admin/registrar")

    for stage in ("Pending", "In review", "Needs info", "Approved", "Converted", "Rejected"):
        expect(page.get_by_role("heading", name=re.compile(f"^{stage}"))).to_be_visible()
    expect(page.locator("#cards-pending .card").first).to_contain_text("Boardy Lovelace")


def test_the_filtered_queue_exports_as_a_csv_that_reads_back(page, demo_school, registrar_db):
    wanted, _email = new_registration(registrar_db, demo_school, first_name="Exporta")
    new_registration(registrar_db, demo_school, first_name="Exportb", status="in_review")

    page.goto("/admin/registrar")
    page.get_by_label("Search").fill("exporta")
    page.get_by_label("Stage").select_option("pending")
    page.get_by_role("button", name="Show").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    path = download.value.path()

    with open(path, encoding="utf-8-sig", newline="") as file:
        header, *rows = list(csv.reader(file))
    assert header[:3] == ["Registration", "Status", "Student first name"]
    assert [(int(row[0]), row[1], row[2]) for row in rows] == [(wanted, "pending", "Exporta")]
    assert download.value.suggested_filename.endswith(".csv")


def test_moving_a_pending_lead_to_in_review_reaches_the_outbox_and_the_familys_inbox(
    page, demo_school, registrar_db, system
):
    registration_id, email = new_registration(registrar_db, demo_school, first_name="Moira")
    page.goto("/admin/registrar")

    page.locator(f"#card-{registration_id}").click()
    expect(page.locator("#panel-title")).to_have_text("Moira Lovelace")
    page.get_by_role("radio", name="In review").check()
    page.get_by_role("button", name="Move", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("the registration is now In review")
    assert status_of(registrar_db, registration_id) == "in_review"
    rows = wait_until(
        lambda: [
            row
            for row in outbox_rows(registrar_db, registration_id, "selfreg.status.updated")
            if row["payload"]["to_status"] == "in_review" and row["processed_at"]
        ],
        timeout=DELIVERY_TIMEOUT,
        what="the in_review event to be relayed",
    )
    assert rows[0]["payload"]["from_status"] == "pending"
    messages = wait_until(
        lambda: mail_to(system.sink, email),
        timeout=DELIVERY_TIMEOUT,
        what="the status e-mail in the sink",
    )
    assert "review" in messages[0].subject.lower()


def test_a_full_class_is_warned_about_before_saving_and_a_suggested_free_one_is_taken(
    page, demo_school, registrar_db
):
    registration_id, _email = new_registration(
        registrar_db, demo_school, status="in_review", first_name="Clara"
    )
    fill_class(registrar_db, demo_school, "Chess club")
    open_panel(page, registration_id, "class")

    page.get_by_label("Class and time").select_option(str(demo_school.schedules["Chess club"]))

    warning = page.locator("#placement-check")
    expect(warning).to_contain_text("Warning: this class would double-book")
    expect(warning).to_contain_text("Chess club is full")
    assert placement_of(registrar_db, registration_id) is None  # nothing saved yet
    warning.get_by_role("button", name="Assign Robotics").click()
    expect(page.get_by_role("status")).to_contain_text("placed in Robotics")
    assert placement_of(registrar_db, registration_id) == demo_school.schedules["Robotics"]


def test_approving_with_invoice_and_autopay_link_shows_the_invoice_and_emails_it(
    page, demo_school, registrar_db, system, settings
):
    registration_id, email = new_registration(
        registrar_db,
        demo_school,
        status="in_review",
        schedule="Piano for beginners",
        first_name="Ivy",
    )
    open_panel(page, registration_id)

    page.get_by_label("E-mail the invoice to the family").check()
    page.get_by_label("Send a link to set up autopay").check()
    page.get_by_role("button", name="Approve and issue the invoice").click()

    expect(page.get_by_role("status")).to_contain_text("Approved: invoice INV-")
    fees = page.locator("#tabpanel-fees")
    expect(fees).to_be_visible()
    expect(fees.get_by_role("heading", name=re.compile("^Invoice INV-"))).to_be_visible()
    expect(fees).to_contain_text("Tuition: Piano for beginners")
    expect(fees).to_contain_text("Invoice: yes; autopay link: yes")
    body = wait_for_mail(system.sink, email, "INV-")
    assert f"{settings.public_url}/autopay/" in body


def test_converting_with_the_welcome_email_enrols_the_student_and_emails_the_family(
    page, demo_school, registrar_db, system, settings
):
    registration_id, email = new_registration(
        registrar_db,
        demo_school,
        status="approved",
        schedule="Robotics",
        first_name="Wendy",
        settings=settings,
    )
    open_panel(page, registration_id)

    page.get_by_label("E-mail the family a welcome message with the class").check()
    page.get_by_role("button", name="Convert to a student").click()

    expect(page.get_by_role("status")).to_contain_text("Wendy is enrolled as student")
    expect(page.locator("#panel .status-badge")).to_have_text("Converted")
    wait_for_mail(system.sink, email, "Robotics")


def test_history_shows_the_changes_and_the_messages_sent(
    page, demo_school, registrar_db, system, settings
):
    registration_id, email = new_registration(
        registrar_db,
        demo_school,
        status="in_review",
        schedule="Piano, intermediate",
        first_name="Hal",
    )
    approve(
        registrar_db,
        settings,
        demo_school.id,
        registration_id,
        send_invoice=True,
        send_autopay_link=False,
        actor=SETUP_ACTOR,
        now=datetime.now(timezone.utc),
    )
    wait_until(
        lambda: len(mail_to(system.sink, email)) >= 2,
        timeout=DELIVERY_TIMEOUT,
        what="the in_review and approval e-mails",
    )
    open_panel(page, registration_id)

    page.get_by_role("tab", name="History").click()

    history = page.locator("#tabpanel-history")
    expect(history).to_contain_text("Status changed from Pending to In review")
    expect(history).to_contain_text("Placed in Piano, intermediate")
    expect(history).to_contain_text("Status changed from In review to Approved")
    expect(history).to_contain_text("Invoice issued (INV-")
    messages = history.locator("#messages")
    expect(messages).to_contain_text("Status update")
    expect(messages).to_contain_text("Approval")
    expect(messages).to_contain_text(f"to {email}, sent")


def test_a_document_is_uploaded_and_verified(page, demo_school, registrar_db, tmp_path):
    registration_id, _email = new_registration(registrar_db, demo_school, status="in_review")
    certificate = tmp_path / "birth-certificate.pdf"
    certificate.write_bytes(b"%PDF-1.4\n% a tiny certificate\n%%EOF\n")
    open_panel(page, registration_id, "docs")

    page.get_by_label("File").set_input_files(str(certificate))
    page.get_by_label("Kind of document").select_option("birth_certificate")
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("status")).to_contain_text("the document is uploaded")
    documents = page.locator("#tabpanel-docs table")
    expect(documents).to_contain_text("birth-certificate.pdf")
    expect(documents).to_contain_text("Birth certificate")
    page.get_by_role("button", name="Mark verified: birth-certificate.pdf").click()
    expect(page.get_by_role("status")).to_contain_text("marked as verified")
    expect(page.locator("#tabpanel-docs table")).to_contain_text("Verified")


# -- bad input -----------------------------------------------------------------------------


def test_a_file_that_is_not_a_document_is_refused_with_the_reason(
    page, demo_school, registrar_db, tmp_path
):
    registration_id, _email = new_registration(registrar_db, demo_school, status="in_review")
    notes = tmp_path / "notes.pdf"
    notes.write_text("just some text, whatever the name says")
    open_panel(page, registration_id, "docs")

    page.get_by_label("File").set_input_files(str(notes))
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("alert")).to_contain_text("The file is not a PDF, PNG or JPEG.")
    expect(page.locator("#tabpanel-docs")).to_contain_text("No documents yet.")


def test_needs_info_without_a_message_is_refused_with_the_reason_next_to_the_field(
    page, demo_school, registrar_db
):
    registration_id, _email = new_registration(registrar_db, demo_school, status="in_review")
    open_panel(page, registration_id)

    page.get_by_role("radio", name="Needs info").check()
    page.get_by_role("button", name="Move", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    note = page.get_by_label("Message or reason")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#status-note-error")).to_contain_text("needs a message to the family")
    assert status_of(registrar_db, registration_id) == "in_review"


def test_approving_without_a_class_says_why_it_cannot(page, demo_school, registrar_db):
    registration_id, _email = new_registration(registrar_db, demo_school, status="in_review")
    open_panel(page, registration_id)

    page.get_by_role("button", name="Approve and issue the invoice").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Place the registration in a class before approving it"
    )
    assert status_of(registrar_db, registration_id) == "in_review"


def test_a_stale_page_is_refreshed_instead_of_overwriting(page, demo_school, registrar_db, system):
    registration_id, _email = new_registration(registrar_db, demo_school, first_name="Stan")
    open_panel(page, registration_id)
    status, answer = call(
        f"{system.registrar_url}/api/admin/self-registration/status",
        demo_school.registrar_token,
        "POST",
        {
            "registration_id": registration_id,
            "status": "rejected",
            "note": "Duplicate of an earlier registration",
        },
    )
    assert status == 200, answer

    page.get_by_role("radio", name="In review").check()
    page.get_by_role("button", name="Move", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Someone else changed this registration")
    expect(page.locator("#panel .status-badge")).to_have_text("Rejected")
    expect(page.locator("#tabpanel-overview")).to_contain_text(
        "Duplicate of an earlier registration"
    )
    assert status_of(registrar_db, registration_id) == "rejected"


# -- keyboard --------------------------------------------------------------------------------


def test_tabs_follow_the_arrow_keys(page, demo_school, registrar_db):
    registration_id, _email = new_registration(registrar_db, demo_school)
    open_panel(page, registration_id)
    overview = page.get_by_role("tab", name="Overview")
    overview.focus()

    page.keyboard.press("ArrowRight")

    docs = page.get_by_role("tab", name="Docs")
    expect(docs).to_be_focused()
    expect(docs).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tabpanel-docs")).to_be_visible()
    expect(page.locator("#tabpanel-overview")).to_be_hidden()
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="History")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(overview).to_be_focused()


def test_focus_moves_into_the_panel_and_back_to_its_card(page, demo_school, registrar_db):
    registration_id, _email = new_registration(registrar_db, demo_school, first_name="Fay")
    page.goto("/admin/registrar")
    card = page.locator(f"#card-{registration_id}")
    card.focus()

    page.keyboard.press("Enter")

    expect(page.locator("#panel-title")).to_be_focused()
    expect(page).to_have_url(re.compile(f"registration={registration_id}"))
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_have_count(0)
    expect(card).to_be_focused()


# -- scale and scope -------------------------------------------------------------------------


def test_a_stage_of_a_thousand_registrations_shows_a_page_and_pages_on(
    browser, system, settings, registrar_db
):
    school_id = create_school(registrar_db)
    with registrar_db.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO student_self_registrations (school_id, student_first_name, "
            "student_last_name, guardian_email) VALUES (%s, %s, 'Many', %s)",
            [(school_id, f"Kid{n:04d}", f"family{n}@families.example") for n in range(1000)],
        )
    email = f"big-{school_id}@school.example"
    create_user_with_command(settings, school_id, email, "viewer", STAFF_PASSWORD)
    context = browser.new_context(base_url=system.registrar_url)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    pending = page.locator("#cards-pending .card")
    expect(page.get_by_role("heading", name=re.compile("^Pending"))).to_contain_text("1,000")
    expect(pending).to_have_count(BOARD_PAGE_SIZE)
    page.get_by_role("link", name="More pending registrations").click()
    expect(pending).to_have_count(BOARD_PAGE_SIZE + STAGE_PAGE_SIZE)
    expect(pending.nth(BOARD_PAGE_SIZE)).to_be_focused()
    expect(pending.nth(BOARD_PAGE_SIZE)).to_contain_text("Kid0987")  # newest first, no gap
    context.close()


def test_another_schools_registration_in_the_url_is_a_not_found_page(page, registrar_db):
    other_school = create_school(registrar_db)
    foreign = create_registration(registrar_db, other_school, first_name="Secret")

    answer = page.goto(f"/admin/registrar?registration={foreign}")

    assert answer.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Secret")


# -- helpers ---------------------------------------------------------------------------------


def fill_class(connection, school, schedule: str) -> None:
    """Every seat of the class taken by other families' registrations."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT capacity FROM class_schedules WHERE id = %s", (school.schedules[schedule],)
        )
        capacity = cursor.fetchone()["capacity"]
        cursor.execute(
            "SELECT COUNT(*) AS n FROM class_placements WHERE schedule_id = %s",
            (school.schedules[schedule],),
        )
        taken = cursor.fetchone()["n"]
    for _seat in range(capacity - taken):
        seat_holder = create_registration(
            connection, school.id, first_name="Seat", email=unique_family_email()
        )
        place(connection, school.id, seat_holder, school.schedules[schedule])


def placement_of(connection, registration_id: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schedule_id FROM class_placements WHERE registration_id = %s",
            (registration_id,),
        )
        row = cursor.fetchone()
    return row["schedule_id"] if row else None
