"""What makes two self-registration submissions "the same" (so a double click or a re-sent
form does not make a second lead), free of Flask and SQL.

The fingerprint covers every field the family sent, after the form's normalisation (trimmed
text, lower-case e-mail); it is unique per school in the table.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, Mapping

# The fields a family submits; each is a column of student_self_registrations.
SUBMISSION_FIELDS = (
    "student_first_name",
    "student_last_name",
    "date_of_birth",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "program",
    "class_preferences",
    "notes",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "consent_email",
    "consent_sms",
)


def submission_fingerprint(submission: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the submission's fields in a canonical form."""
    canonical = {name: _canonical(name, submission.get(name)) for name in SUBMISSION_FIELDS}
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def gives_consent(submission: Mapping[str, Any]) -> bool:
    return bool(submission.get("consent_email") or submission.get("consent_sms"))


def _canonical(name: str, value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        value = " ".join(value.split())
        return value.lower() if name == "guardian_email" else value
    if name.startswith("consent_"):
        return bool(value)
    return value
