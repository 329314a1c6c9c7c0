from marshmallow import Schema, fields, validate

from shared.api_fields import UtcDateTime
from shared.roles import ROLES


class NewInvitationSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class InvitationSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    state = fields.String(
        metadata={"description": "open, accepted, replaced (a newer one was sent), cancelled"}
    )
    invited_by = fields.String(metadata={"description": "the admin's e-mail, or token:N"})
    created_at = UtcDateTime()
    expires_at = UtcDateTime(metadata={"description": "its link stops working then"})


class InvitationCreatedSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    expires_at = UtcDateTime()


class InvitationListSchema(Schema):
    invitations = fields.List(fields.Nested(InvitationSchema))
