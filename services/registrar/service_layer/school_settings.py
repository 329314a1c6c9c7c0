"""A school's own settings (registrar.domain.school_settings): read, and replaced whole by an
admin, with one audit entry per field that changed, in the same transaction as the row.

The row's trigger puts a school.updated into the outbox in that transaction too: that is how
the notifier, the KPI service and the dashboard learn a new time zone, name, currency or
language (their directories of schools), so each uses it from its next event on.
"""

from __future__ import annotations

from registrar.adapters import audit_store, schools_store
from registrar.domain.school_settings import SchoolSettings, changes
from shared.db import transaction
from shared.errors import NotFound

AUDIT_ACTION = "school_setting_changed"


def school_settings(connection, school_id: int) -> SchoolSettings:
    with connection.cursor() as cursor:
        found = schools_store.settings_of(cursor, school_id)
    if found is None:
        raise NotFound("school")
    return found


def change_school_settings(
    connection, school_id: int, chosen: SchoolSettings, actor: str
) -> SchoolSettings:
    """The settings as they now are; a field saved unchanged writes no audit entry."""
    with transaction(connection) as cursor:
        before = schools_store.settings_of(cursor, school_id, for_update=True)
        if before is None:
            raise NotFound("school")
        changed = changes(before, chosen)
        if changed:
            schools_store.write_settings(cursor, school_id, chosen)
        for change in changed:
            old_value, new_value = change.audit_values
            audit_store.record(
                cursor,
                school_id=school_id,
                actor=actor,
                action=AUDIT_ACTION,
                entity_type="school",
                entity_id=school_id,
                old_value=old_value,
                new_value=new_value,
            )
    return chosen


def record_outside_change(
    connection, school_id: int, actor: str, setting: str, old: object, new: object
) -> None:
    """An audit entry for a school setting another service keeps (the notifier's family-link
    lifetime, the dashboard's targets), changed through the registrar's settings page: the
    trail then shows every change of the school's settings in one place."""
    if old == new:
        return
    with transaction(connection) as cursor:
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=actor,
            action=AUDIT_ACTION,
            entity_type="school",
            entity_id=school_id,
            old_value=f"{setting}={old}",
            new_value=f"{setting}={new}",
        )
