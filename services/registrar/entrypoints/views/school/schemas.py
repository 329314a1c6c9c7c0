"""The school's own settings as GET/PUT /api/admin/school reads and writes them."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from marshmallow import Schema, ValidationError, fields, validate

from registrar.domain.school_settings import (
    MAX_HOLD_HOURS,
    MIN_HOLD_HOURS,
    NAME_LENGTH,
    TIMEZONE_LENGTH,
)
from registrar.entrypoints.views.fields import Text
from shared.locales import SUPPORTED_LANGUAGES

# Files of the tz database that name no zone a school could be in.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def iana_time_zones() -> frozenset[str]:
    """The IANA time zone names this machine's tz database knows (read once, when first
    asked: never at import)."""
    return frozenset(available_timezones()) - _NOT_ZONES


@cache
def iso_4217_currencies() -> frozenset[str]:
    """The ISO 4217 codes CLDR knows (Babel's data, which formats the school's amounts)."""
    return frozenset(list_currencies())


def _time_zone(name: str) -> None:
    if name not in iana_time_zones():
        raise ValidationError("Must be an IANA time zone name, such as Europe/Madrid or UTC.")


def _currency(code: str) -> None:
    if code not in iso_4217_currencies():
        raise ValidationError("Must be an ISO 4217 currency code in capitals, such as EUR.")


class SchoolSettingsSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=NAME_LENGTH))
    timezone = fields.String(
        required=True,
        validate=[validate.Length(max=TIMEZONE_LENGTH), _time_zone],
        metadata={
            "description": "IANA name; from the change on, the school's days start at its "
            "midnight (future daily figures, quiet hours, reminders); past figures stay"
        },
    )
    currency = fields.String(
        required=True, validate=_currency, metadata={"description": "ISO 4217 code, e.g. EUR"}
    )
    default_language = fields.String(
        required=True,
        validate=validate.OneOf(SUPPORTED_LANGUAGES),
        metadata={"description": "what families read when they have not chosen"},
    )
    seat_offer_hours = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(MIN_HOLD_HOURS, MAX_HOLD_HOURS),
        metadata={
            "description": "how long a seat freed in a full class is held for the family "
            "offered it (offers already made keep theirs)"
        },
    )
