"""How the registrar's pages put things into words (registrar.entrypoints.pages.wording)."""

from datetime import datetime

from registrar.entrypoints.pages.wording import SchoolClock, describe_change, field_errors, sentence


def test_the_apis_messages_become_sentences_with_readable_statuses():
    assert (
        sentence("moving to needs_info needs a message to the family")
        == "Moving to needs info needs a message to the family."
    )
    assert (
        sentence("a registration cannot go from in_review to converted")
        == "A registration cannot go from in review to converted."
    )


def test_field_errors_are_one_sentence_per_field():
    assert field_errors({"fields": {"note": ["must not be blank", "too long"]}}) == {
        "note": "Must not be blank. Too long."
    }


def test_times_are_shown_in_the_schools_time_zone():
    clock = SchoolClock("Europe/London")

    assert clock.format(datetime(2026, 7, 1, 8, 30)) == "1 Jul 2026, 09:30"
    assert clock.format("2026-01-15T08:30:00.000000Z") == "15 Jan 2026, 08:30"


def test_an_unknown_time_zone_falls_back_to_utc():
    assert SchoolClock("Mars/Olympus").name == "UTC"


def test_audit_entries_read_as_sentences():
    assert (
        describe_change(
            {"action": "status_changed", "old_value": "pending", "new_value": "in_review"}
        )
        == "Status changed from Pending to In review"
    )
    assert (
        describe_change(
            {"action": "class_assigned", "old_value": None, "new_value": "4", "reason": "Robotics"}
        )
        == "Placed in Robotics"
    )
    assert (
        describe_change(
            {
                "action": "document_uploaded",
                "old_value": None,
                "new_value": "birth_certificate: cert.pdf",
            }
        )
        == "Birth certificate uploaded: cert.pdf"
    )
