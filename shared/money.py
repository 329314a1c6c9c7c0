"""Money as every service shows it: ISO 4217 minor units and one display form.

Amounts travel and are stored as integers in the currency's minor unit (cents, fils, yen).
For people they read "USD 1,250.00": the ISO code first, then the amount in major units with
thousands grouped and exactly as many decimals as the currency has (JPY none, KWD three).
The code leads so that the form does not depend on a locale's symbol or its placement, and
amounts in a column line up on their code; staff pages and the dashboard use it.

What a family reads is written the way their language writes money instead
(`format_money_for`: "$1,250.00" in English, "1250,00 US$" in Spanish), by Babel's CLDR data.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal

# ISO 4217 currencies whose minor unit is not the hundredth, by the number of decimals.
_DECIMALS_OTHER_THAN_TWO = {
    **dict.fromkeys(
        (
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}
# Every other code, known or not, has the hundredth as its minor unit.
DEFAULT_DECIMALS = 2


def minor_unit_decimals(currency: str | None) -> int:
    """How many decimals the currency's major unit has (JPY 0, USD 2, KWD 3)."""
    return _DECIMALS_OTHER_THAN_TWO.get((currency or "").upper(), DEFAULT_DECIMALS)


def format_money(amount_minor: int, currency: str | None) -> str:
    """ "USD 1,250.00" from 125000; the bare amount when there is no currency code."""
    code = (currency or "").upper()
    places = minor_unit_decimals(code)
    amount = Decimal(int(amount_minor)).scaleb(-places)
    return f"{code} {amount:,.{places}f}".strip()


def format_money_for(amount_minor: int, currency: str | None, language: str) -> str:
    """The amount as `language` writes it ("$1,250.00", "1.250,00 US$"), with as many
    decimals as the currency has; the bare number, so written, when there is no code."""
    code = (currency or "").upper()
    places = minor_unit_decimals(code)
    amount = Decimal(int(amount_minor)).scaleb(-places)
    if not code:
        return format_decimal(
            amount, format="#,##0." + "0" * places if places else "#,##0", locale=language
        )
    return format_currency(amount, code, locale=language)


def minor_units_of(typed: str, currency: str | None) -> int:
    """What a person typed in major units ("180", "180.50", "1,250.00") as minor units of the
    currency; raises ValueError for anything else, or more decimals than the currency has."""
    text = typed.strip().replace(",", "")
    places = minor_unit_decimals(currency)
    whole, _dot, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > places:
        raise ValueError(f"must be an amount with at most {places} decimals, like 180")
    return int(whole) * 10**places + int(fraction.ljust(places, "0") or 0)
