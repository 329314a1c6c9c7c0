"""A school's templates as the admin API sees them: the effective wording of each key in a
language, and changing it (checked against the template's sample variables first, before any
write) or going back to the default. Each change is its own transaction.

A school keeps its wording per language. What a family in a language reads is the school's
wording in that language, else the school's wording in its default language, else the
built-in template (itself translated): `effective` shows exactly that, as the sender picks it
(TemplateStore.source)."""

from __future__ import annotations

from datetime import datetime

from notifier.adapters import school_store
from notifier.adapters.catalogs import family_locale
from notifier.adapters.template_store import TemplateStore
from notifier.domain.rendering import Renderer, TemplateFailed, TemplateSource
from notifier.domain.templates import TEMPLATES, TemplateInfo
from shared import db
from shared.errors import InvalidInput, NotFound
from shared.locales import SOURCE_LANGUAGE


class TemplateRejected(InvalidInput):
    """The wording does not render with the template's sample variables (422): the reason per
    part, and the line at fault where Jinja knows it."""

    code = "template_invalid"

    def __init__(self, failures: dict[str, TemplateFailed]):
        super().__init__(
            "the template does not render",
            details={
                "fields": {part: [str(failure)] for part, failure in failures.items()},
                "lines": {
                    part: failure.line
                    for part, failure in failures.items()
                    if failure.line is not None
                },
            },
        )


def known(key: str) -> TemplateInfo:
    info = TEMPLATES.get(key)
    if info is None:
        raise NotFound(f"template {key!r}")
    return info


def summaries(store: TemplateStore, connection, school_id: int) -> list[dict]:
    with connection.cursor() as cursor:
        own = store.school_templates(cursor, school_id)
    return [
        {
            "key": info.key,
            "purpose": info.purpose.value,
            "description": info.description,
            "origin": "school" if info.key in own else "default",
            "updated_at": (
                max(row["updated_at"] for row in own[info.key]) if info.key in own else None
            ),
            "languages": [row["language"] for row in own.get(info.key, [])],
        }
        for info in TEMPLATES.values()
    ]


def effective(
    store: TemplateStore, connection, school_id: int, key: str, language: str = SOURCE_LANGUAGE
) -> dict:
    info = known(key)
    with connection.cursor() as cursor:
        default_language = school_store.school_default_language(cursor, school_id)
        own = store.school_template(
            cursor, school_id, key, language, default_language or SOURCE_LANGUAGE
        )
    if own is not None:
        source = TemplateSource(key, own["subject"], own["body_text"], own["body_html"], "school")
    else:
        source = store.defaults[key]
    return {
        "key": key,
        "purpose": info.purpose.value,
        "description": info.description,
        "origin": source.origin,
        "language": language,
        # The language the school's wording shown is kept in; the built-in one is translated.
        "wording_language": own["language"] if own else language,
        "subject": source.subject,
        "text": source.text,
        "html": source.html,
        "updated_at": own["updated_at"] if own else None,
        "variables": sorted(info.sample),
    }


def replace_template(
    store: TemplateStore,
    renderer: Renderer,
    connection,
    school_id: int,
    key: str,
    subject: str,
    text: str,
    html: str,
    now: datetime,
    language: str = SOURCE_LANGUAGE,
) -> None:
    info = known(key)
    source = TemplateSource(key, subject, text, html, "school")
    failures = renderer.failures(source, info.sample)
    if failures:
        raise TemplateRejected(failures)
    with db.transaction(connection) as cursor:
        store.save(cursor, school_id, source, now, language)


def preview(
    renderer: Renderer, key: str, subject: str, text: str, html: str, language: str
) -> dict:
    """The wording as a family in `language` would read it, written with the template's
    sample variables (TEMPLATES) in the sandbox and limits every message is written in.
    Nothing is stored; a wording that does not render is TemplateRejected."""
    info = known(key)
    source = TemplateSource(key, subject, text, html, "school")
    context = sample_context(info, language)
    failures = renderer.failures(source, context)
    if failures:
        raise TemplateRejected(failures)
    rendered = renderer.render(source, context)
    return {
        "key": key,
        "language": language,
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
        "sample": info.sample,
    }


def sample_context(info: TemplateInfo, language: str) -> dict:
    """The sample variables with the words of `language`, as the composer adds them."""
    locale = family_locale(language)
    return {
        **info.sample,
        "language": locale.language,
        "gettext": locale.gettext,
        "ngettext": locale.ngettext,
    }


def reset_template(
    store: TemplateStore, connection, school_id: int, key: str, language: str | None = None
) -> None:
    """Back to the default in `language`, or in every language the school keeps (None)."""
    known(key)
    with db.transaction(connection) as cursor:
        store.delete(cursor, school_id, key, language)
