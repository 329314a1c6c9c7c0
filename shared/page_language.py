"""Flask-Babel on a service's family-facing pages: each such page says which language it is
read in (`use_family_language`, by shared.locales.choose_language); every other page, the
staff's, stays in English, the catalogs' source language.

Templates get `_()` and `{% trans %}` from Flask-Babel, `family_language` for `<html lang>`,
and `family_locale` to write dates, times and money the way that language does.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, request
from flask_babel import Babel, refresh

from shared.locales import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES, FamilyLocale, choose_language


def install_page_languages(app: Flask, translations: Path) -> None:
    """Flask-Babel with the service's catalogs (services/<name>/translations)."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    app.config["BABEL_DEFAULT_LOCALE"] = SOURCE_LANGUAGE
    Babel(app, locale_selector=page_language)
    app.context_processor(
        lambda: {"family_language": page_language(), "family_locale": FamilyLocale(page_language())}
    )


def use_family_language(*, chosen: object = None, school_default: object = None) -> str:
    """This request's page is read by a family: in their choice, else their browser's
    language (Accept-Language), else the school's default."""
    language = choose_language(
        chosen=chosen,
        browser=request.accept_languages.best_match(SUPPORTED_LANGUAGES),
        school_default=school_default,
    )
    g.family_language = language
    refresh()  # a string translated earlier in this request was in the language before
    return language


def page_language() -> str:
    return g.get("family_language", SOURCE_LANGUAGE)
