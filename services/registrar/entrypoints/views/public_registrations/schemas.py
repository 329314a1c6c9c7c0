import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from registrar.entrypoints.views.fields import Text, not_in_future
from shared.locales import SUPPORTED_LANGUAGES

# Digits with the usual separators and an optional leading +; 6 to 20 digits in all.
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


def _phone(value: str) -> None:
    if not PHONE.match(value) or not 6 <= sum(c.isdigit() for c in value) <= 20:
        raise ValidationError("Not a phone number.")


def _optional(max_length: int, **kwargs):
    return Text(
        load_default=None, allow_none=True, validate=validate.Length(max=max_length), **kwargs
    )


class SelfRegistrationSchema(Schema):
    student_first_name = Text(required=True, validate=validate.Length(max=100))
    student_last_name = Text(required=True, validate=validate.Length(max=100))
    guardian_email = fields.Email(required=True, validate=validate.Length(max=254))
    guardian_name = _optional(200)
    guardian_phone = Text(
        load_default=None, allow_none=True, validate=[validate.Length(max=40), _phone]
    )
    date_of_birth = fields.Date(load_default=None, allow_none=True, validate=not_in_future)
    program = _optional(120)
    source = _optional(64, metadata={"description": "How the family heard of the school."})
    consent_email = fields.Boolean(load_default=False)
    consent_sms = fields.Boolean(load_default=False)
    class_preferences = _optional(2000)
    notes = _optional(2000)
    utm_source = _optional(120)
    utm_medium = _optional(120)
    utm_campaign = _optional(120)
    language = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(SUPPORTED_LANGUAGES),
        metadata={
            "description": "The language the family reads its e-mails in; absent: the "
            "school's default language."
        },
    )

    @validates_schema
    def sms_consent_needs_a_phone(self, data, **kwargs):
        if data.get("consent_sms") and not data.get("guardian_phone"):
            raise ValidationError(
                "A phone number is needed to consent to text messages.", "guardian_phone"
            )


class RegistrationCreatedSchema(Schema):
    registration_id = fields.Integer(required=True)
