"""Converting a registration into an enrolled student."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ConversionRequest(Schema):
    registration_id = fields.Int(required=True, strict=True, validate=validate.Range(min=1))
    send_welcome_email = fields.Bool(required=True, truthy={True}, falsy={False})


class ConversionOut(Schema):
    student_id = fields.Int()
    created = fields.Bool(metadata={"description": "false when it was converted already"})
