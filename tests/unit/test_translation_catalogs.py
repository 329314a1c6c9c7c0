"""Every family-facing string has its Spanish, and each translation keeps its placeholders.

The .pot templates are what `make extract` found in the code and templates; a string added
without its translation, a fuzzy guess, or a translation that drops or renames a placeholder
fails here before a family reads English, or a page fails to render.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from shared.locales import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED_SERVICES = ("registrar", "notifier")
TRANSLATIONS = [
    (service, language)
    for service in TRANSLATED_SERVICES
    for language in SUPPORTED_LANGUAGES
    if language != SOURCE_LANGUAGE
]
# %(name)s and %(num)d, as gettext's %-formatting (Jinja's and Flask-Babel's) writes them.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(path: Path, language: str | None = None):
    with path.open("rb") as stream:
        return read_po(stream, locale=language)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize(("service", "language"), TRANSLATIONS)
def test_every_template_message_is_translated_and_not_fuzzy(service, language):
    folder = ROOT / "services" / service / "translations"
    template = _catalog(folder / "messages.pot")
    translated = _catalog(folder / language / "LC_MESSAGES" / "messages.po", language)
    # A catalog whose header is fuzzy is not compiled at all: the family would read English.
    assert not translated.fuzzy
    untranslated = []
    for message in template:
        if not message.id:
            continue
        found = translated.get(message.id)
        if found is None or found.fuzzy or not all(_strings(found)):
            untranslated.append(_ids(message)[0])
    assert untranslated == []


@pytest.mark.parametrize(("service", "language"), TRANSLATIONS)
def test_translations_keep_the_placeholders_of_their_source(service, language):
    folder = ROOT / "services" / service / "translations"
    translated = _catalog(folder / language / "LC_MESSAGES" / "messages.po", language)
    mismatched = []
    for message in translated:
        if not message.id:
            continue
        wanted = set().union(*(PLACEHOLDER.findall(text) for text in _ids(message)))
        for text in _strings(message):
            if set(PLACEHOLDER.findall(text)) - wanted or (
                not isinstance(message.id, tuple) and set(PLACEHOLDER.findall(text)) != wanted
            ):
                mismatched.append(_ids(message)[0])
    assert mismatched == []


@pytest.mark.parametrize("service", TRANSLATED_SERVICES)
def test_every_language_offered_has_a_catalog(service):
    folder = ROOT / "services" / service / "translations"
    for language in SUPPORTED_LANGUAGES:
        if language != SOURCE_LANGUAGE:
            assert (folder / language / "LC_MESSAGES" / "messages.po").is_file()
