"""Which language a family reads, and how dates, times and money are written in it.

One rule for every family-facing page and e-mail (`choose_language`): the family's own choice
(made on the form and kept on the registration), else what the browser asks for
(Accept-Language, on a first visit), else the school's default language, else English. Staff
pages are always English. `FamilyLocale` writes a day, a time of day, a weekday and an amount
the way the chosen language does (Babel's CLDR data), and translates with its catalog.
"""

from __future__ import annotations

import gettext as gettext_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, get_datetime_format, get_day_names

from shared.money import format_money_for

# The languages with a complete catalog; English is the source every catalog translates.
SUPPORTED_LANGUAGES = ("en", "es")
SOURCE_LANGUAGE = "en"
# Each language named in itself, as a language choice offers it.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def supported_language(value: object) -> str | None:
    """The supported language a tag names ("es", "ES", "es-MX" -> "es"), else None."""
    if not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in SUPPORTED_LANGUAGES else None


def choose_language(
    *,
    chosen: object = None,
    browser: object = None,
    school_default: object = None,
) -> str:
    """The family's choice, else the browser's best supported language, else the school's
    default, else English; anything unsupported on the way is passed over."""
    for candidate in (chosen, browser, school_default):
        language = supported_language(candidate)
        if language is not None:
            return language
    return SOURCE_LANGUAGE


@dataclass(frozen=True)
class FamilyLocale:
    """A language and its catalog: what a family reads, worded and formatted for them."""

    language: str = SOURCE_LANGUAGE
    translations: gettext_module.NullTranslations = field(
        default_factory=gettext_module.NullTranslations, compare=False
    )

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def money(self, amount_minor: int, currency: str | None) -> str:
        return format_money_for(amount_minor, currency, self.language)

    def day(self, value: date) -> str:
        """ "December 1, 2026" / "1 de diciembre de 2026"."""
        return format_date(value, "long", locale=self.language)

    def time_of_day(self, value: time) -> str:
        """ "4:30 PM" / "16:30"."""
        return format_time(value, "short", locale=self.language)

    def moment(self, value: datetime | None, timezone_name: str | None) -> str:
        """ "December 1, 2026, 4:30 PM" / "1 de diciembre de 2026, 16:30": an instant as the
        school's clock shows it (the database keeps UTC without a zone)."""
        if value is None:
            return ""
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        local = value.astimezone(_zone(timezone_name))
        # CLDR's own way of joining a day and a time ("{1}, {0}", "{1} 'at' {0}" ...).
        joined = str(get_datetime_format("medium", locale=self.language)).replace("'", "")
        return joined.format(self.time_of_day(local.time()), self.day(local.date()))

    def weekday(self, monday_is_zero: int) -> str:
        """ "Monday" / "lunes" from 0 (the events' weekday numbering)."""
        return str(get_day_names("wide", locale=self.language)[monday_is_zero])


def _zone(timezone_name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(timezone_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
