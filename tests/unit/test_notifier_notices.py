"""What each event asks of the notifier: messages, reminders, stops and consent."""

from dataclasses import replace
from datetime import datetime, time, timedelta, timezone

from notifier.domain.consent import SELF_REGISTRATION_FORM, Purpose
from notifier.domain.link_placeholders import autopay_placeholder, family_placeholder
from notifier.domain.notices import Plan, plan_for
from notifier.domain.preferences import SchoolPreferences
from notifier.domain.quiet_hours import QuietHours
from notifier.domain.reminders import ReminderKind, ReminderStop
from shared.events import Event

OCCURRED = datetime(2026, 1, 5, 16, 0, tzinfo=timezone.utc)
PREFERENCES = SchoolPreferences(
    QuietHours(time(21), time(8)), timedelta(hours=72), timedelta(hours=168)
)


def event(event_type: str, **payload) -> Event:
    return Event.new(event_type, 1, 42, {"registration_id": 42, **payload}, occurred_at=OCCURRED)


def needs_info(**extra) -> Event:
    return event(
        "selfreg.status.updated",
        from_status="in_review",
        to_status="needs_info",
        note="Please send the birth certificate.",
        missing='["birth certificate"]',
        guardian_email="Parent@Example.com",
        **extra,
    )


def test_needs_info_sends_the_registrars_message_and_what_is_missing():
    (notice,) = plan_for(needs_info(), PREFERENCES).notices
    assert (notice.template, notice.purpose, notice.recipient) == (
        "needs_info",
        Purpose.TRANSACTIONAL,
        "parent@example.com",
    )
    assert notice.context["note"] == "Please send the birth certificate."
    assert notice.context["missing"] == ["birth certificate"]


def test_needs_info_schedules_a_reminder_after_the_schools_wait():
    (reminder,) = plan_for(needs_info(), PREFERENCES).reminders
    assert reminder.kind is ReminderKind.NEEDS_INFO
    assert reminder.due_at == OCCURRED + timedelta(hours=72)


def test_a_school_with_reminders_off_schedules_none():
    off = SchoolPreferences(
        PREFERENCES.quiet_hours, timedelta(hours=1), timedelta(hours=1), reminders_enabled=False
    )
    assert plan_for(needs_info(), off).reminders == ()


def test_names_are_used_when_the_event_carries_them():
    (notice,) = plan_for(
        needs_info(student_first_name="Ada", student_last_name="Lovelace", guardian_name="Grace"),
        PREFERENCES,
    ).notices
    assert notice.context["student_name"] == "Ada Lovelace"
    assert notice.context["guardian_name"] == "Grace"


def test_a_status_update_goes_only_for_statuses_the_school_turned_on():
    moved = event(
        "selfreg.status.updated",
        from_status="pending",
        to_status="in_review",
        guardian_email="p@example.com",
    )
    assert plan_for(moved, PREFERENCES).notices == ()
    turned_on = SchoolPreferences(
        PREFERENCES.quiet_hours,
        timedelta(hours=1),
        timedelta(hours=1),
        status_updates=frozenset({"in_review"}),
    )
    (notice,) = plan_for(moved, turned_on).notices
    assert notice.template == "status_update" and notice.context["status"] == "in_review"


def test_answering_needs_info_stops_its_reminder():
    answered = event(
        "selfreg.status.updated",
        from_status="needs_info",
        to_status="in_review",
        guardian_email="p@example.com",
    )
    assert plan_for(answered, PREFERENCES).stops == (
        ReminderStop(frozenset({ReminderKind.NEEDS_INFO})),
    )


def test_the_familys_answer_stops_its_reminder_and_writes_to_nobody():
    provided = event(
        "selfreg.info.provided",
        document_ids=[7],
        answered=True,
        guardian_email="p@example.com",
        language="en",
    )
    plan = plan_for(provided, PREFERENCES)
    assert plan.stops == (ReminderStop(frozenset({ReminderKind.NEEDS_INFO})),)
    assert plan.notices == ()


def test_a_submission_records_the_forms_consent_with_its_time():
    submitted = event(
        "selfreg.submitted",
        status="pending",
        guardian_email="P@example.com",
        consent_email=1,
        submitted_at="2026-01-05T15:59:00.000000Z",
    )
    (change,) = plan_for(submitted, PREFERENCES).consent
    assert (change.recipient, change.purpose, change.granted, change.via) == (
        "p@example.com",
        Purpose.REMINDERS,
        True,
        SELF_REGISTRATION_FORM,
    )
    assert change.at == datetime(2026, 1, 5, 15, 59, tzinfo=timezone.utc)


def test_a_submission_without_consent_records_the_no():
    submitted = event(
        "selfreg.submitted", status="pending", guardian_email="p@example.com", consent_email=0
    )
    (change,) = plan_for(submitted, PREFERENCES).consent
    assert not change.granted and change.at == OCCURRED


def invoice_issued(**flags) -> Event:
    return event(
        "invoice.issued",
        invoice_id=7,
        number="INV-0007",
        amount_minor=25000,
        currency="USD",
        guardian_email="p@example.com",
        lines=[{"label": "Tuition", "amount_minor": 25000}],
        issued_at="2026-01-05T10:00:00.000000Z",
        autopay_link_expires_at="2026-01-19T10:00:00.000000Z",
        **flags,
    )


def test_an_approval_carries_the_invoice_and_link_when_the_registrar_asked_for_them():
    (notice,) = plan_for(
        invoice_issued(send_invoice=True, send_autopay_link=True), PREFERENCES
    ).notices
    assert notice.template == "approved"
    assert (
        notice.context["invoice"]["amount"] == "$250.00"
    )  # as the family's language (English here) writes it
    assert notice.context["autopay_url"] == autopay_placeholder(
        7, datetime(2026, 1, 19, 10, 0, tzinfo=timezone.utc)
    )
    assert notice.dedupe_key == "invoice-issued:7"


def test_an_approval_without_invoice_or_link_leaves_both_out_and_reminds_of_nothing():
    plan = plan_for(invoice_issued(send_invoice=False, send_autopay_link=False), PREFERENCES)
    assert plan.notices[0].context["invoice"] is None
    assert plan.notices[0].context["autopay_url"] is None
    assert plan.reminders == ()


def test_a_sent_invoice_schedules_its_unpaid_reminder():
    (reminder,) = plan_for(invoice_issued(send_invoice=True), PREFERENCES).reminders
    assert (reminder.kind, reminder.invoice_id) == (ReminderKind.INVOICE_UNPAID, 7)
    assert reminder.due_at == OCCURRED + timedelta(hours=168)


def test_a_payment_sends_a_receipt_and_stops_that_invoices_reminder():
    paid = event(
        "invoice.paid",
        invoice_id=7,
        amount_minor=25000,
        currency="USD",
        guardian_email="p@example.com",
        paid_at="2026-01-09T10:00:00.000000Z",
    )
    plan = plan_for(paid, PREFERENCES)
    assert plan.notices[0].template == "receipt"
    assert plan.notices[0].context["paid_on"] == "January 9, 2026"
    assert plan.stops == (ReminderStop(frozenset({ReminderKind.INVOICE_UNPAID}), 7),)


def test_a_welcome_request_sends_the_welcome_with_the_class():
    welcome = event(
        "selfreg.welcome.requested",
        student_id=9,
        guardian_email="p@example.com",
        **{"class": {"name": "Piano", "weekday": 0, "start_time": "16:00"}},
    )
    (notice,) = plan_for(welcome, PREFERENCES).notices
    assert notice.template == "welcome" and notice.dedupe_key == "welcome:9"
    assert notice.context["class_info"]["weekday"] == "Monday"


def test_a_message_without_a_usable_address_is_planned_with_no_recipient():
    no_address = event(
        "selfreg.status.updated",
        from_status="in_review",
        to_status="needs_info",
        guardian_email="not an address",
    )
    (notice,) = plan_for(no_address, PREFERENCES).notices
    assert notice.recipient is None


def test_events_that_send_nothing_plan_nothing():
    assigned = event("selfreg.class.assigned", schedule_id=1, teacher_id=2)
    assert plan_for(assigned, PREFERENCES) == Plan()


def test_signing_up_for_autopay_stops_that_invoices_reminder():
    enrolled = event("invoice.autopay.enrolled", invoice_id=7)
    assert plan_for(enrolled, PREFERENCES) == Plan(
        stops=(ReminderStop(frozenset({ReminderKind.INVOICE_UNPAID}), 7),)
    )


def test_every_message_about_a_registration_carries_its_family_link_placeholder():
    (notice,) = plan_for(needs_info(), PREFERENCES).notices
    assert notice.context["family_url"] == family_placeholder(42, OCCURRED + timedelta(days=30))


def test_the_family_link_lasts_as_long_as_the_school_chose():
    weekly = replace(PREFERENCES, family_link_lifetime=timedelta(days=7))
    (notice,) = plan_for(needs_info(), weekly).notices
    assert notice.context["family_url"] == family_placeholder(42, OCCURRED + timedelta(days=7))


def test_a_request_for_links_sends_the_family_link_e_mail():
    requested = event(
        "selfreg.family_link.requested", status="in_review", guardian_email="Parent@Example.com"
    )
    (notice,) = plan_for(requested, PREFERENCES).notices
    assert (notice.template, notice.purpose, notice.recipient) == (
        "family_link",
        Purpose.TRANSACTIONAL,
        "parent@example.com",
    )
    assert notice.context["status_label"] == "in review"
    assert notice.context["family_url"].startswith("edquill-link-family-42-")


def test_a_withdrawal_stops_every_reminder():
    withdrawn = event("selfreg.status.updated", from_status="approved", to_status="withdrawn")
    assert plan_for(withdrawn, PREFERENCES).stops == (ReminderStop(frozenset(ReminderKind)),)


def test_a_spanish_family_reads_amounts_and_days_in_spanish():
    from shared.locales import FamilyLocale

    event = Event.new(
        "invoice.paid",
        1,
        5,
        {
            "registration_id": 5,
            "invoice_id": 7,
            "amount_minor": 25000,
            "currency": "USD",
            "guardian_email": "ada@families.example",
            "paid_at": "2026-01-09T10:00:00.000000Z",
        },
    )
    (notice,) = plan_for(event, PREFERENCES, FamilyLocale("es")).notices
    assert notice.context["invoice"]["amount"] == "250,00\xa0US$"
    assert notice.context["paid_on"] == "9 de enero de 2026"
    assert notice.context["language"] == "es"
