"""A school's own settings as the registrar keeps them (the schools row): its name, the time
zone its days and clocks follow, the currency it charges in, the language its families read
when they have not chosen, and how long a seat freed in a full class is held for the family
offered it. What changed between two versions, one field at a time, for the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, fields

# A hold shorter than an hour gives a family no real chance to read its e-mail; one longer
# than a month keeps a seat empty for the rest of a term.
MIN_HOLD_HOURS, MAX_HOLD_HOURS = 1, 720
# The widths of the schools table's columns.
NAME_LENGTH = 200
TIMEZONE_LENGTH = 64


@dataclass(frozen=True)
class SchoolSettings:
    name: str
    timezone: str
    currency: str
    default_language: str
    seat_offer_hours: int


@dataclass(frozen=True)
class SettingChange:
    field: str
    old: object
    new: object

    @property
    def audit_values(self) -> tuple[str, str]:
        """(old, new) as the audit trail writes them: field=value, as feature flags do."""
        return f"{self.field}={self.old}", f"{self.field}={self.new}"


def changes(before: SchoolSettings, after: SchoolSettings) -> list[SettingChange]:
    """Each field whose value differs, in the order the settings list them."""
    return [
        SettingChange(field.name, getattr(before, field.name), getattr(after, field.name))
        for field in fields(SchoolSettings)
        if getattr(before, field.name) != getattr(after, field.name)
    ]
