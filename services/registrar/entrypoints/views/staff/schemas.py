from marshmallow import Schema, fields, validate

from registrar.adapters.users_store import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from registrar.entrypoints.views.fields import Text
from shared.api_fields import UtcDateTime
from shared.roles import ROLES


class StaffMemberSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    created_at = UtcDateTime()
    last_login_at = UtcDateTime(allow_none=True, metadata={"description": "null: never"})
    disabled_at = UtcDateTime(allow_none=True, metadata={"description": "null: active"})


class StaffListSchema(Schema):
    staff = fields.List(fields.Nested(StaffMemberSchema))


class NewStaffMemberSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
    )


class StaffCreatedSchema(Schema):
    id = fields.Integer()


class RoleChangeSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class DisabledChangeSchema(Schema):
    disabled = fields.Boolean(required=True, truthy={True}, falsy={False})


class NewTokenSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    label = Text(load_default=None, allow_none=True, validate=validate.Length(max=120))
    ttl_days = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=3650),
        metadata={"description": "expire after this many days; null: never"},
    )


class IssuedTokenSchema(Schema):
    id = fields.Integer()
    token = fields.String(metadata={"description": "shown this once: only its hash is kept"})
    role = fields.String()
    label = fields.String(allow_none=True)


class ApiTokenSchema(Schema):
    id = fields.Integer()
    role = fields.String()
    user = fields.String(allow_none=True, metadata={"description": "the account's e-mail"})
    label = fields.String(allow_none=True)
    created_at = UtcDateTime()
    last_used_at = UtcDateTime(allow_none=True)
    expires_at = UtcDateTime(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)


class ApiTokenListSchema(Schema):
    tokens = fields.List(fields.Nested(ApiTokenSchema))
