"""One registration as the registrar's detail panel shows it: overview, documents, class,
fees and history.

The overview and history are read here; each other section comes from the module that owns
its tables, called with (connection, school_id, registration_id) once the registration is
known to be the caller's:

    documents -> registrar.adapters.documents_store.for_registration  (a list)
    class     -> registrar.adapters.placements_store.placement_for  (an object, or None)
    fees      -> registrar.adapters.billing_store.fees_for       (a list: the invoice, or a quote)
"""

from __future__ import annotations

import json

from registrar.adapters import audit_store, billing_store, documents_store, placements_store
from shared.db import transaction
from shared.errors import NotFound

# TINYINT(1) columns of student_self_registrations: the driver reads them as 0/1, the API
# sends them as the booleans they are.
BOOLEAN_COLUMNS = ("consent_email", "consent_sms")

# The audit action of opening a registration's printable record.
RECORD_VIEWED = "record_viewed"

SECTIONS = {
    "documents": documents_store.for_registration,
    "class": placements_store.placement_for,
    "fees": billing_store.fees_for,
}


def registration_detail(connection, school_id: int, registration_id: int) -> dict:
    detail = {"overview": _overview(connection, school_id, registration_id)}
    for section, read in SECTIONS.items():
        detail[section] = read(connection, school_id, registration_id)
    with connection.cursor() as cursor:
        detail["history"] = audit_store.history(cursor, school_id, "registration", registration_id)
    return detail


def _overview(connection, school_id: int, registration_id: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM student_self_registrations WHERE id = %s AND school_id = %s",
            (registration_id, school_id),
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound("registration")
    row["info_missing"] = json.loads(row["info_missing"]) if row["info_missing"] else []
    for column in BOOLEAN_COLUMNS:
        row[column] = bool(row[column])
    return row


def record_viewed(connection, school_id: int, registration_id: int, actor: str) -> None:
    """An audit entry: `actor` opened the registration's printable record (it carries the
    family's details out of the system once printed, so who did is kept)."""
    with transaction(connection) as cursor:
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=actor,
            action=RECORD_VIEWED,
            entity_type="registration",
            entity_id=registration_id,
        )
