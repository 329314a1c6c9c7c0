from marshmallow import Schema, fields, validate

from registrar.entrypoints.views.fields import Text
from shared.api_fields import UtcDateTime

# A page of the trail: enough to read, few enough to answer fast at any depth.
MAX_TRAIL_PAGE = 200


class TrailQuerySchema(Schema):
    registration_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    actor = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={"description": "who: a staff e-mail, token:<id> or operator:cli"},
    )
    action = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "e.g. status_changed, role_changed, token_revoked"},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_TRAIL_PAGE))
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={"description": "next_cursor of the previous page."},
    )


class TrailEntrySchema(Schema):
    id = fields.Integer()
    actor = fields.String()
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.Integer()
    old_value = fields.String(allow_none=True, metadata={"description": "before"})
    new_value = fields.String(allow_none=True, metadata={"description": "after"})
    reason = fields.String(allow_none=True)
    created_at = UtcDateTime()


class TrailPageSchema(Schema):
    items = fields.List(fields.Nested(TrailEntrySchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "null: last page"})
    limit = fields.Integer()
