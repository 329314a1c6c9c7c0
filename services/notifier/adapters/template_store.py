"""Templates from two places: the default set shipped in services/notifier/templates/ (three
files per key: .subject, .txt, .html, worded in every language through the catalogs) and a
school's own in t_message_template, one per language it keeps."""

from __future__ import annotations

from pathlib import Path

from notifier.domain.rendering import TemplateSource
from notifier.domain.templates import TEMPLATES
from shared.locales import SOURCE_LANGUAGE

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "templates"
_COLUMNS = "template_key, language, subject, body_text, body_html, updated_at"


def load_defaults(directory: Path = DEFAULTS_DIR) -> dict[str, TemplateSource]:
    """Every known template's default, read once at start (a missing file stops the start)."""
    defaults = {}
    for key in TEMPLATES:
        defaults[key] = TemplateSource(
            key,
            (directory / f"{key}.subject").read_text(encoding="utf-8"),
            (directory / f"{key}.txt").read_text(encoding="utf-8"),
            (directory / f"{key}.html").read_text(encoding="utf-8"),
            "default",
        )
    return defaults


class TemplateStore:
    def __init__(self, defaults: dict[str, TemplateSource] | None = None):
        self.defaults = defaults if defaults is not None else load_defaults()

    def source(
        self,
        cursor,
        school_id: int,
        key: str,
        *,
        school_has_own: bool = True,
        language: str = SOURCE_LANGUAGE,
        default_language: str = SOURCE_LANGUAGE,
    ) -> TemplateSource:
        """The school's own template in `language`, else its own in its default language,
        else the built-in one (no query when the caller knows the school has none)."""
        if not school_has_own:
            return self.defaults[key]
        cursor.execute(
            "SELECT subject, body_text, body_html FROM t_message_template "
            "WHERE school_id = %s AND template_key = %s AND language IN (%s, %s) "
            "ORDER BY language = %s DESC LIMIT 1",
            (school_id, key, language, default_language, language),
        )
        row = cursor.fetchone()
        if row is None:
            return self.defaults[key]
        return TemplateSource(key, row["subject"], row["body_text"], row["body_html"], "school")

    def school_templates(self, cursor, school_id: int) -> dict[str, list[dict]]:
        """The school's own wordings, per key, one per language it keeps (by language)."""
        cursor.execute(
            f"SELECT {_COLUMNS} FROM t_message_template WHERE school_id = %s "
            "ORDER BY template_key, language",
            (school_id,),
        )
        kept: dict[str, list[dict]] = {}
        for row in cursor.fetchall():
            kept.setdefault(row["template_key"], []).append(row)
        return kept

    def school_template(
        self,
        cursor,
        school_id: int,
        key: str,
        language: str = SOURCE_LANGUAGE,
        default_language: str = SOURCE_LANGUAGE,
    ) -> dict | None:
        """The school's own wording in `language`, else in its default language (as `source`
        chooses), with its language and when it was last changed; None when it keeps neither."""
        cursor.execute(
            f"SELECT {_COLUMNS} FROM t_message_template WHERE school_id = %s "
            "AND template_key = %s AND language IN (%s, %s) ORDER BY language = %s DESC LIMIT 1",
            (school_id, key, language, default_language, language),
        )
        return cursor.fetchone()

    def save(
        self, cursor, school_id: int, source: TemplateSource, now, language: str = SOURCE_LANGUAGE
    ) -> None:
        cursor.execute(
            "INSERT INTO t_message_template (school_id, template_key, language, subject, "
            "body_text, body_html, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON DUPLICATE KEY UPDATE subject = VALUES(subject), body_text = VALUES(body_text), "
            "body_html = VALUES(body_html), updated_at = VALUES(updated_at)",
            (school_id, source.key, language, source.subject, source.text, source.html, now, now),
        )

    def delete(self, cursor, school_id: int, key: str, language: str | None = None) -> bool:
        """Drop the school's wording of `key` in `language`, or in every language (None)."""
        if language is None:
            deleted = cursor.execute(
                "DELETE FROM t_message_template WHERE school_id = %s AND template_key = %s",
                (school_id, key),
            )
        else:
            deleted = cursor.execute(
                "DELETE FROM t_message_template WHERE school_id = %s AND template_key = %s "
                "AND language = %s",
                (school_id, key, language),
            )
        return deleted > 0
