from marshmallow import Schema, fields

from shared.api_fields import UtcDateTime


class FeatureFlagSchema(Schema):
    key = fields.String()
    description = fields.String()
    default = fields.Boolean()
    enabled = fields.Boolean()
    updated_at = UtcDateTime(
        allow_none=True, metadata={"description": "null while the school has the default"}
    )


class FeatureFlagListSchema(Schema):
    flags = fields.List(fields.Nested(FeatureFlagSchema))


class FeatureFlagChangeSchema(Schema):
    enabled = fields.Boolean(required=True, truthy={True}, falsy={False})
