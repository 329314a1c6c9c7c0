from marshmallow import Schema, fields, validate

from notifier.domain.render_limits import MAX_SOURCE_CHARS
from shared.api_fields import UtcDateTime
from shared.locales import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES

# The longest part the renderer compiles: generous for a school's wording, small enough that
# one template cannot fill the database or take seconds to compile.
MAX_BODY_LENGTH = MAX_SOURCE_CHARS


def _language(description: str, **options):
    return fields.String(
        validate=validate.OneOf(SUPPORTED_LANGUAGES),
        metadata={"description": f"{description}; one of {', '.join(SUPPORTED_LANGUAGES)}"},
        **options,
    )


class TemplateSummarySchema(Schema):
    key = fields.String()
    purpose = fields.String()
    description = fields.String()
    origin = fields.String(metadata={"description": "school (its own wording) or default"})
    updated_at = UtcDateTime(allow_none=True)


class TemplateListItemSchema(TemplateSummarySchema):
    languages = fields.List(
        fields.String(), metadata={"description": "the languages the school keeps a wording in"}
    )


class TemplateListSchema(Schema):
    templates = fields.List(fields.Nested(TemplateListItemSchema))


class TemplateSchema(TemplateSummarySchema):
    language = fields.String(metadata={"description": "the family's language this is for"})
    wording_language = fields.String(
        metadata={
            "description": "the language of the school's wording shown (its default language's "
            "when it keeps none in `language`); the built-in wording is in `language`"
        }
    )
    subject = fields.String()
    text = fields.String()
    html = fields.String()
    variables = fields.List(
        fields.String(),
        metadata={"description": "what the template may use (Jinja2, sandboxed; HTML autoescaped)"},
    )


class TemplateLanguageSchema(Schema):
    language = _language("the family's language (GET; DELETE: only this language's wording)")


class TemplateChangeSchema(Schema):
    language = _language("the language of this wording", load_default=SOURCE_LANGUAGE)
    subject = fields.String(required=True, validate=validate.Length(1, 500))
    text = fields.String(required=True, validate=validate.Length(1, MAX_BODY_LENGTH))
    html = fields.String(required=True, validate=validate.Length(1, MAX_BODY_LENGTH))


class TemplatePreviewSchema(TemplateChangeSchema):
    language = _language(
        "the family's language the preview is written for (its words)",
        load_default=SOURCE_LANGUAGE,
    )


class RenderedTemplateSchema(Schema):
    key = fields.String()
    language = fields.String()
    subject = fields.String()
    text = fields.String()
    html = fields.String(metadata={"description": "autoescaped, as the e-mail's HTML part"})
    sample = fields.Dict(
        metadata={"description": "the sample variables the preview was written with"}
    )
