"""What a lead-queue export holds: its columns, each row as the cells a spreadsheet shows, and
the file's name. Pure: rows in, cells out (the file formats are adapters.lead_export_files).

Cells a family typed (names, e-mail, phone, source) are untrusted. A spreadsheet treats a
cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so such a cell
is written with a leading apostrophe: it opens as the text the family typed, never as a
formula that runs on the reader's machine (OWASP's "CSV injection").
"""

from __future__ import annotations

from datetime import date, datetime, timezone

# (header, row key), in the order the columns appear.
COLUMNS = (
    ("Registration", "id"),
    ("Status", "status"),
    ("Student first name", "student_first_name"),
    ("Student last name", "student_last_name"),
    ("Guardian name", "guardian_name"),
    ("Guardian e-mail", "guardian_email"),
    ("Guardian phone", "guardian_phone"),
    ("Program", "program"),
    ("Source", "source"),
    ("Submitted (UTC)", "submitted_at"),
    ("Last activity (UTC)", "last_activity_at"),
)
HEADERS = tuple(header for header, _key in COLUMNS)
FORMATS = ("csv", "xlsx")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_cells(row: dict) -> list:
    """One registration as its cells: numbers stay numbers, times are UTC ISO 8601, text is
    neutralised where a spreadsheet would read it as a formula."""
    return [_cell(row.get(key)) for _header, key in COLUMNS]


def export_filename(school_slug: str, today: date, file_format: str) -> str:
    return f"leads-{school_slug}-{today.isoformat()}.{file_format}"


def export_description(file_format: str, status: str | None, q: str | None, sort: str) -> str:
    """What the audit log keeps of an export: its format and the filters it was made with."""
    return f"{file_format}; status={status or 'all'}; q={q or ''}; sort={sort}"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
