"""The statuses a self-registration moves through, named once for every service.

The registrar owns the lifecycle (which status may follow which: registrar.domain.lifecycle);
the other services read statuses from events. A `Status` is a `str`, so it compares equal to
the plain strings in events, rows and requests and is written to JSON and SQL as its value.
SQL and templates keep their literals.

`withdrawn` is the family's own end: set from the family's page, never by staff.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    REJECTED = "rejected"
    CONVERTED = "converted"
    WITHDRAWN = "withdrawn"


# Every status in lifecycle order, as the plain strings the API and its documents list.
STATUSES: tuple[str, ...] = tuple(status.value for status in Status)
