"""The audit trail (t_audit_log): who changed what, from what to what, and why.

Written with the caller's cursor, inside the transaction of the change it records.
"""

from __future__ import annotations

# t_audit_log.old_value and new_value are VARCHAR(255): a longer value is cut to fit.
VALUE_LENGTH = 255


def record(
    cursor,
    *,
    school_id: int,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: int,
    old_value: str | None = None,
    new_value: str | None = None,
    reason: str | None = None,
) -> None:
    cursor.execute(
        "INSERT INTO t_audit_log (school_id, actor, action, entity_type, entity_id, old_value, "
        "new_value, reason, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
        "UTC_TIMESTAMP(6))",
        (school_id, actor, action, entity_type, entity_id, old_value, new_value, reason),
    )


def history(cursor, school_id: int, entity_type: str, entity_id: int) -> list[dict]:
    cursor.execute(
        "SELECT actor, action, old_value, new_value, reason, created_at FROM t_audit_log "
        "WHERE school_id = %s AND entity_type = %s AND entity_id = %s ORDER BY id",
        (school_id, entity_type, entity_id),
    )
    return list(cursor.fetchall())
