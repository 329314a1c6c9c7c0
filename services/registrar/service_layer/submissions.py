"""Self-registrations submitted by families: stored once, however often the form is sent.

The insert fires trg_ssr_submitted_outbox, which enqueues selfreg.submitted in the same
statement. Public submissions are limited per client address (registrar.adapters.throttle_store,
in MySQL, so the limit holds across gunicorn workers).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

import pymysql

from registrar.adapters import throttle_store
from registrar.adapters.schools_store import school_by_slug
from registrar.adapters.throttle_store import Limit
from registrar.domain.submissions import SUBMISSION_FIELDS, gives_consent, submission_fingerprint
from shared.db import placeholders
from shared.errors import NotFound
from shared.locales import SOURCE_LANGUAGE, choose_language

# Twenty forms per address per ten minutes: a family registering several children, or a
# school's open day on one Wi-Fi, stays far below; a script filling the queue does not.
SUBMISSIONS_PER_ADDRESS = Limit(max_hits=20, window_seconds=10 * 60)

_ER_DUP_ENTRY = 1062
_COLUMNS = ", ".join(SUBMISSION_FIELDS)
_PLACEHOLDERS = placeholders(len(SUBMISSION_FIELDS))


def submit_public(
    connection, slug: str, submission: Mapping[str, Any], address: str
) -> tuple[int, bool]:
    """(registration id, created?) for a family's form; raises NotFound or Throttled."""
    school = school_by_slug(connection, slug)
    if school is None:
        raise NotFound("school")
    window = throttle_store.count_hit(
        connection, f"selfreg:address:{address}", SUBMISSIONS_PER_ADDRESS
    )
    if window.hits > SUBMISSIONS_PER_ADDRESS.max_hits:
        raise throttle_store.Throttled(
            "too many registrations from this address; try again later", window.retry_after
        )
    # The language is the family's reading, not part of what they registered: kept apart from
    # the fingerprint, so the same form sent in two languages is still one registration.
    language = choose_language(
        chosen=submission.get("language"), school_default=school.default_language
    )
    return record_submission(connection, school.id, submission, language=language)


def record_submission(
    connection,
    school_id: int,
    submission: Mapping[str, Any],
    *,
    submitted_at: datetime | None = None,
    language: str = SOURCE_LANGUAGE,
) -> tuple[int, bool]:
    """Insert the registration unless the same submission exists; (id, created?)."""
    fingerprint = submission_fingerprint(submission)
    # An absent consent is no consent (the columns are NOT NULL).
    values = [
        bool(submission.get(name)) if name.startswith("consent_") else submission.get(name)
        for name in SUBMISSION_FIELDS
    ]
    try:
        with connection.cursor() as cursor:
            # One moment for submitted_at, last activity and the consent time.
            cursor.execute("SELECT COALESCE(%s, UTC_TIMESTAMP(6)) AS moment", (submitted_at,))
            moment = cursor.fetchone()["moment"]
            cursor.execute(
                f"INSERT INTO student_self_registrations (school_id, {_COLUMNS}, "
                "language, consent_given_at, submission_fingerprint, submitted_at, "
                f"last_activity_at) VALUES (%s, {_PLACEHOLDERS}, %s, %s, %s, %s, %s)",
                (
                    school_id,
                    *values,
                    language,
                    moment if gives_consent(submission) else None,
                    fingerprint,
                    moment,
                    moment,
                ),
            )
            return cursor.lastrowid, True
    except pymysql.err.IntegrityError as exc:
        if exc.args[0] != _ER_DUP_ENTRY:
            raise
    return _registration_with_fingerprint(connection, school_id, fingerprint), False


def _registration_with_fingerprint(connection, school_id: int, fingerprint: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM student_self_registrations "
            "WHERE school_id = %s AND submission_fingerprint = %s",
            (school_id, fingerprint),
        )
        return cursor.fetchone()["id"]
