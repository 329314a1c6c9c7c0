"""Placing a registration in a class, and the conflicts that refuse it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from registrar.entrypoints.views.classes.schemas import ClassSlotOut


class PlacementRequest(Schema):
    registration_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    teacher_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    schedule_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))


class PlacementQuery(Schema):
    """The same fields, from a query string (so numbers arrive as text)."""

    registration_id = fields.Int(required=True, validate=validate.Range(min=1))
    teacher_id = fields.Int(required=True, validate=validate.Range(min=1))
    schedule_id = fields.Int(required=True, validate=validate.Range(min=1))


class ClassOut(ClassSlotOut):
    schedule_id = fields.Int()


class ConflictOut(Schema):
    kind = fields.Str(
        metadata={"description": "schedule_full, teacher_double_booked or student_double_booked"}
    )
    message = fields.Str()
    schedule_id = fields.Int()
    schedule_name = fields.Str()
    teacher_id = fields.Int()
    teacher_name = fields.Str()
    weekday = fields.Int()
    start_time = fields.Str()
    end_time = fields.Str()
    first_clash_on = fields.Str(allow_none=True)
    registration_id = fields.Int(
        metadata={"description": "student_double_booked: the other registration of the same child"}
    )
    capacity = fields.Int()
    taken = fields.Int()


class PlacementOut(Schema):
    registration_id = fields.Int()
    changed = fields.Bool(metadata={"description": "false when it already sat in this class"})
    previous_schedule_id = fields.Int(allow_none=True)
    placement = fields.Nested(ClassOut)


class PlacementCheckOut(Schema):
    conflicts = fields.List(fields.Nested(ConflictOut))
    suggestions = fields.List(fields.Nested(ClassOut))
