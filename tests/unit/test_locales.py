"""Which language a family reads (shared.locales.choose_language), and dates, times and money
in each language."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from shared.locales import FamilyLocale, choose_language, supported_language
from shared.money import format_money, format_money_for


def test_the_familys_choice_comes_first():
    assert choose_language(chosen="es", browser="en", school_default="en") == "es"


def test_the_browser_decides_when_the_family_has_not_chosen():
    assert choose_language(chosen=None, browser="es", school_default="en") == "es"


def test_the_school_default_decides_when_neither_family_nor_browser_says():
    assert choose_language(chosen=None, browser=None, school_default="es") == "es"


def test_english_when_nothing_names_a_supported_language():
    assert choose_language(chosen="fr", browser="de-DE", school_default=None) == "en"


def test_an_unsupported_choice_is_passed_over_for_the_next_source():
    assert choose_language(chosen="fr", browser=None, school_default="es") == "es"


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("es", "es"),
        ("ES", "es"),
        ("es-MX", "es"),
        ("es_419", "es"),
        ("en-GB", "en"),
        ("pt", None),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_a_tag_names_its_supported_language(tag, language):
    assert supported_language(tag) == language


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "$1,250.00"), ("es", "1.250,00\xa0US$")],
)
def test_money_is_written_the_way_the_language_writes_it(language, written):
    assert format_money_for(125000, "USD", language) == written


def test_spanish_groups_thousands_with_a_dot_and_decimals_with_a_comma():
    assert format_money_for(12345678, "EUR", "es") == "123.456,78\xa0€"


def test_a_currency_without_cents_shows_none_in_either_language():
    assert format_money_for(1250, "JPY", "en") == "¥1,250"
    assert format_money_for(1250, "JPY", "es") == "1.250\xa0JPY"


def test_the_staff_form_of_money_is_unchanged():
    assert format_money(125000, "USD") == "USD 1,250.00"


@pytest.mark.parametrize(
    ("language", "day", "weekday"),
    [("en", "December 1, 2026", "Tuesday"), ("es", "1 de diciembre de 2026", "martes")],
)
def test_days_and_weekdays_are_written_in_the_language(language, day, weekday):
    locale = FamilyLocale(language)
    assert locale.day(date(2026, 12, 1)) == day
    assert locale.weekday(1) == weekday


def test_times_of_day_follow_the_language_clock():
    assert FamilyLocale("en").time_of_day(time(16, 30)).replace("\u202f", " ") == "4:30 PM"
    assert FamilyLocale("es").time_of_day(time(16, 30)) == "16:30"


def test_an_instant_is_written_on_the_schools_clock_in_the_language():
    # 23:30 UTC on 1 December is 00:30 on 2 December in Madrid: the day moves with the clock.
    instant = datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)
    assert FamilyLocale("es").moment(instant, "Europe/Madrid") == "2 de diciembre de 2026, 0:30"
    assert (
        FamilyLocale("en").moment(instant, "America/New_York").replace("\u202f", " ")
        == "December 1, 2026, 6:30 PM"
    )


def test_an_instant_without_a_zone_is_utc_and_an_unknown_zone_reads_as_utc():
    assert FamilyLocale("es").moment(datetime(2026, 12, 1, 16, 5), "Nowhere/Else") == (
        "1 de diciembre de 2026, 16:05"
    )
    assert FamilyLocale("es").moment(None, "UTC") == ""
