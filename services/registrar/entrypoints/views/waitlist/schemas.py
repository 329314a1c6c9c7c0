"""A class's waitlist, adding to it, and taking a registration out of its class."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class WaitlistRequest(Schema):
    registration_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    schedule_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))


class WaitlistPositionOut(Schema):
    position = fields.Int(metadata={"description": "1 = the next to be offered a seat"})


class WaitlistEntryOut(Schema):
    registration_id = fields.Int()
    student_name = fields.Str()
    status = fields.Str(metadata={"description": "the registration's status"})
    position = fields.Int()
    added_at = fields.Str()
    offer_state = fields.Str(
        allow_none=True, metadata={"description": "open while a seat is held for it, else null"}
    )
    offer_expires_at = fields.Str(allow_none=True)


class UnassignRequest(Schema):
    registration_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))


class UnassignOut(Schema):
    registration_id = fields.Int()
    freed_schedule_id = fields.Int(
        allow_none=True, metadata={"description": "the class it left; null when it sat in none"}
    )
    offers = fields.List(
        fields.Int(), metadata={"description": "the seat offers made for the freed seat"}
    )
