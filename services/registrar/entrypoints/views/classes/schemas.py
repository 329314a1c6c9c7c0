"""Teachers and weekly class schedules, as the API reads and writes them."""

from __future__ import annotations

import re
from datetime import time

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from registrar.domain.scheduling import Slot, slot_errors
from registrar.entrypoints.views.fields import Text

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:00)?$")


class ClockTime(fields.Field):
    """A time of day to the minute: "HH:MM" (or "HH:MM:00"), read as a datetime.time."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _CLOCK.match(value):
            raise ValidationError("must be a time of day as HH:MM")
        return time.fromisoformat(value[:5])

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is None or isinstance(value, str) else value.strftime("%H:%M")


class Created(Schema):
    id = fields.Int(required=True)


class TeacherIn(Schema):
    name = Text(required=True, validate=validate.Length(max=200))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))


class TeacherOut(Schema):
    id = fields.Int()
    name = fields.Str()
    email = fields.Str(allow_none=True)
    archived_at = fields.Str(
        allow_none=True, metadata={"description": "when archived (UTC); null while in use"}
    )


class ListQuery(Schema):
    include_archived = fields.Bool(
        load_default=False,
        metadata={"description": "also list the archived (kept for their history)"},
    )


class SlotIn(Schema):
    """A class's weekly slot and its dates, as a class's form and the clash check read it."""

    weekday = fields.Int(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=6),
        metadata={"description": "0 = Monday ... 6 = Sunday"},
    )
    start_time = ClockTime(required=True, metadata={"example": "16:00"})
    end_time = ClockTime(required=True, metadata={"example": "17:00"})
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class ScheduleIn(SlotIn):
    teacher_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    name = Text(required=True, validate=validate.Length(max=200))
    capacity = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=1000))
    fee_minor = fields.Int(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1, max=100_000_000),
        metadata={"description": "tuition in minor units of the school's currency"},
    )
    room = Text(load_default=None, allow_none=True, validate=validate.Length(max=80))
    program = Text(load_default=None, allow_none=True, validate=validate.Length(max=120))

    @validates_schema
    def _slot_is_possible(self, data, **_kwargs):
        errors = slot_errors(slot_in(data), data["capacity"])
        if errors:
            raise ValidationError(errors)


class ScheduleCheckQuery(SlotIn):
    """A class's teacher and slot, as the query of GET /api/admin/schedules/check: a query
    string's numbers are text, so they are not held to JSON's strict integers."""

    teacher_id = fields.Int(required=True, validate=validate.Range(min=1))
    weekday = fields.Int(
        required=True,
        validate=validate.Range(min=0, max=6),
        metadata={"description": "0 = Monday ... 6 = Sunday"},
    )
    schedule_id = fields.Int(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "the class being edited, left out of the comparison"},
    )

    @validates_schema
    def _slot_is_possible(self, data, **_kwargs):
        errors = slot_errors(slot_in(data), capacity=1)
        if errors:
            raise ValidationError(errors)


def slot_in(data: dict) -> Slot:
    return Slot(
        data["weekday"], data["start_time"], data["end_time"], data["starts_on"], data["ends_on"]
    )


class SlotOut(Schema):
    """A weekly slot and its dates, as every answer about classes writes one."""

    weekday = fields.Int()
    start_time = fields.Str()
    end_time = fields.Str()
    starts_on = fields.Str()
    ends_on = fields.Str()


class SavedClassOut(SlotOut):
    """A class's own fields: what it was saved with."""

    teacher_id = fields.Int()
    teacher_name = fields.Str()
    name = fields.Str()
    program = fields.Str(allow_none=True)
    room = fields.Str(allow_none=True)
    capacity = fields.Int()


class ClassSlotOut(SavedClassOut):
    """A teacher's class slot as both the schedules and the placements show it."""

    seats_left = fields.Int()


class ScheduleOut(ClassSlotOut):
    id = fields.Int()
    taken = fields.Int(metadata={"description": "the same as seats_taken (its older name)"})
    seats_taken = fields.Int(
        metadata={"description": "seats placed (registrations not rejected) or held by offers"}
    )
    waitlist_length = fields.Int()
    fee_minor = fields.Int(allow_none=True)
    archived_at = fields.Str(allow_none=True)
    teacher_archived_at = fields.Str(
        allow_none=True, metadata={"description": "an archived teacher's classes are not offered"}
    )


class ScheduleSavedOut(SavedClassOut):
    """A class as it was saved (its counts: GET /api/admin/schedules)."""

    id = fields.Int()
    archived_at = fields.Str(allow_none=True)


class ClashOut(SlotOut):
    kind = fields.Str(metadata={"description": "teacher_double_booked"})
    message = fields.Str()
    schedule_id = fields.Int()
    schedule_name = fields.Str()
    teacher_id = fields.Int()
    teacher_name = fields.Str()
    first_clash_on = fields.Str()


class FreeSlotOut(SlotOut):
    """A slot the teacher is free in."""


class ScheduleCheckOut(Schema):
    conflicts = fields.List(fields.Nested(ClashOut))
    free_slots = fields.List(fields.Nested(FreeSlotOut))
