"""What the classes page's forms post, read as the API's schemas load it: a teacher's name
and e-mail, a class's teacher, slot, size and tuition (typed in major units), and a free time
picked from the suggestions. What was typed is kept as typed, to show the form again."""

from __future__ import annotations

from decimal import Decimal

from registrar.entrypoints.pages.posted_form import validated
from registrar.entrypoints.views.classes.schemas import ScheduleCheckQuery, ScheduleIn, TeacherIn
from shared.errors import InvalidInput
from shared.money import minor_unit_decimals, minor_units_of

TEACHER_FIELDS = ("name", "email")
SCHEDULE_FIELDS = (
    "teacher_id",
    "name",
    "program",
    "room",
    "weekday",
    "start_time",
    "end_time",
    "starts_on",
    "ends_on",
    "capacity",
    "fee",
)
# Numbers the API's schema takes as JSON numbers; the form sends them as text.
_WHOLE_NUMBERS = ("teacher_id", "weekday", "capacity")
_OPTIONAL = ("program", "room", "email")


def typed(form, names: tuple[str, ...]) -> dict[str, str]:
    return {name: form.get(name, "").strip() for name in names}


def teacher_fields(kept: dict[str, str]) -> dict:
    return validated(TeacherIn(), _without_blank_optionals(kept))


def with_free_time(kept: dict[str, str], form) -> dict[str, str]:
    """The typed class moved to the free time a suggestion's button names ("weekday,HH:MM,
    HH:MM"), when one was pressed."""
    weekday, _, times = form.get("use_slot", "").partition(",")
    start, _, end = times.partition(",")
    if not (weekday.isdigit() and start and end):
        return kept
    return {**kept, "weekday": weekday, "start_time": start, "end_time": end}


def schedule_fields(kept: dict[str, str], currency: str) -> dict:
    """The class as ScheduleIn loads it; raises InvalidInput naming each field at fault."""
    data = {
        name: int(value) if name in _WHOLE_NUMBERS and value.isdigit() else value
        for name, value in _without_blank_optionals(kept).items()
        if name != "fee"
    }
    if kept.get("fee"):
        try:
            data["fee_minor"] = minor_units_of(kept["fee"], currency)
        except ValueError as exc:
            raise InvalidInput.of_field("fee_minor", str(exc)) from None
    return validated(ScheduleIn(), data)


def check_fields(kept: dict[str, str]) -> dict:
    """The teacher and slot, as GET /api/admin/schedules/check loads them."""
    names = ("teacher_id", "weekday", "start_time", "end_time", "starts_on", "ends_on")
    query = validated(ScheduleCheckQuery(), {name: kept.get(name, "") for name in names})
    query.pop("schedule_id")
    return query


def typed_from_class(row: dict, currency: str) -> dict[str, str]:
    """A stored class as its edit form shows it."""
    kept = {name: "" if row.get(name) is None else str(row[name]) for name in SCHEDULE_FIELDS}
    if row.get("fee_minor") is not None:
        kept["fee"] = str(Decimal(row["fee_minor"]).scaleb(-minor_unit_decimals(currency)))
    return kept


def _without_blank_optionals(kept: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in kept.items() if value or name not in _OPTIONAL}
