"""Amounts for people: ISO 4217 minor units and the one display form every service uses."""

from __future__ import annotations

import pytest

from shared.money import format_money, minor_unit_decimals, minor_units_of


def test_yen_has_no_decimals():
    assert minor_unit_decimals("JPY") == 0
    assert format_money(12000, "JPY") == "JPY 12,000"


def test_dollars_have_two_decimals():
    assert minor_unit_decimals("USD") == 2
    assert format_money(18005, "USD") == "USD 180.05"


def test_kuwaiti_dinars_have_three_decimals():
    assert minor_unit_decimals("KWD") == 3
    assert format_money(1500, "KWD") == "KWD 1.500"


def test_an_unknown_code_has_two_decimals_and_keeps_its_code():
    assert minor_unit_decimals("XYZ") == 2
    assert format_money(123456, "XYZ") == "XYZ 1,234.56"


def test_codes_are_read_in_any_case_and_shown_in_capitals():
    assert format_money(1500, "kwd") == "KWD 1.500"


def test_small_amounts_keep_their_leading_zero():
    assert format_money(5, "EUR") == "EUR 0.05"


def test_large_amounts_group_their_thousands():
    assert format_money(123456789, "USD") == "USD 1,234,567.89"


def test_a_negative_amount_keeps_its_sign():
    assert format_money(-18005, "USD") == "USD -180.05"


def test_without_a_currency_the_amount_stands_alone():
    assert format_money(18005, None) == "180.05"
    assert format_money(18005, "") == "180.05"


@pytest.mark.parametrize(
    "typed, currency, minor",
    [
        ("180", "USD", 18000),
        ("180.5", "USD", 18050),
        ("1,250.00", "USD", 125000),
        ("12000", "JPY", 12000),
        ("1.500", "KWD", 1500),
    ],
)
def test_an_amount_typed_in_major_units_becomes_minor_units(typed, currency, minor):
    assert minor_units_of(typed, currency) == minor


@pytest.mark.parametrize("typed", ["", "abc", "-5", "1.234", "1.5.0", ".5"])
def test_an_amount_that_is_not_one_is_refused(typed):
    with pytest.raises(ValueError):
        minor_units_of(typed, "USD")
