"""A school's settings: what changed between two versions, field by field, as the audit trail
writes it; what the settings page says a new time zone changes before it is saved."""

from __future__ import annotations

from dataclasses import replace

from registrar.domain.school_settings import SchoolSettings, changes
from registrar.entrypoints.pages.settings_wording import time_zone_consequence

SCHOOL = SchoolSettings("Sunrise", "UTC", "USD", "en", 48)


def test_unchanged_settings_have_no_changes():
    assert changes(SCHOOL, replace(SCHOOL)) == []


def test_each_changed_field_is_one_change_in_the_settings_order():
    after = replace(SCHOOL, seat_offer_hours=12, timezone="Asia/Tokyo")

    found = changes(SCHOOL, after)

    assert [change.field for change in found] == ["timezone", "seat_offer_hours"]
    assert [change.audit_values for change in found] == [
        ("timezone=UTC", "timezone=Asia/Tokyo"),
        ("seat_offer_hours=48", "seat_offer_hours=12"),
    ]


def test_a_new_time_zone_is_explained_with_the_zone_named():
    assert time_zone_consequence("Asia/Tokyo") == (
        "From now on days start at midnight in Asia/Tokyo: future daily figures, quiet hours "
        "and reminders follow it; past figures stay as counted."
    )
