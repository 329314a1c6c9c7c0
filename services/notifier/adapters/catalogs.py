"""The compiled catalogs of the families' e-mails and pages (services/notifier/translations,
compiled by `make install`), read once per language and kept."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import Translations

from shared.locales import FamilyLocale, choose_language

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@cache
def family_locale(language: str) -> FamilyLocale:
    """The language's words and formats; an unsupported language reads as the default."""
    chosen = choose_language(chosen=language)
    return FamilyLocale(chosen, Translations.load(str(TRANSLATIONS), [chosen]))
