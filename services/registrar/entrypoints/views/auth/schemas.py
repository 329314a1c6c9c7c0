from marshmallow import Schema, fields, validate

from registrar.adapters.users_store import MAX_PASSWORD_LENGTH


class SignInSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    password = fields.String(
        required=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH), load_only=True
    )


class TokenSchema(Schema):
    token = fields.String(required=True)


class SchoolSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String()
    timezone = fields.String()
    currency = fields.String()


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()


class WhoAmISchema(Schema):
    school = fields.Nested(SchoolSchema)
    role = fields.String()
    user = fields.Nested(
        UserSchema,
        allow_none=True,
        metadata={"description": "null for an API token issued to no one"},
    )
