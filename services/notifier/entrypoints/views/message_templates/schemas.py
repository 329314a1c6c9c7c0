from marshmallow import Schema, fields, validate

from notifier.domain.render_limits import MAX_SOURCE_CHARS
from shared.api_fields import UtcDateTime

# The longest part the renderer compiles: generous for a school's wording, small enough that
# one template cannot fill the database or take seconds to compile.
MAX_BODY_LENGTH = MAX_SOURCE_CHARS


class TemplateSummarySchema(Schema):
    key = fields.String()
    purpose = fields.String()
    description = fields.String()
    origin = fields.String(metadata={"description": "school (its own wording) or default"})
    updated_at = UtcDateTime(allow_none=True)


class TemplateListSchema(Schema):
    templates = fields.List(fields.Nested(TemplateSummarySchema))


class TemplateSchema(TemplateSummarySchema):
    subject = fields.String()
    text = fields.String()
    html = fields.String()
    variables = fields.List(
        fields.String(),
        metadata={"description": "what the template may use (Jinja2, sandboxed; HTML autoescaped)"},
    )


class TemplateChangeSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(1, 500))
    text = fields.String(required=True, validate=validate.Length(1, MAX_BODY_LENGTH))
    html = fields.String(required=True, validate=validate.Length(1, MAX_BODY_LENGTH))
