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


def trail_page(cursor, school_id: int, *, limit: int, **filters) -> list[dict]:
    """Up to `limit` + 1 entries of the school's trail, newest first (see trail_statement);
    the extra row tells the caller another page follows."""
    cursor.execute(*trail_statement(school_id, limit=limit, **filters))
    return list(cursor.fetchall())


def trail_statement(
    school_id: int,
    *,
    limit: int,
    registration_id: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    before_id: int | None = None,
) -> tuple[str, tuple]:
    """The page's SQL and parameters: keyset on id, older than `before_id`. The indexes of
    migration 0018 and ix_audit_entity end in id, so a page reads `limit` + 1 index entries
    whatever the trail's length (bench/audit_page.py prints its EXPLAIN)."""
    conditions, params = ["school_id = %s"], [school_id]
    index = _walked_index(registration_id, actor, action)
    if registration_id is not None:
        conditions.append("entity_type = 'registration' AND entity_id = %s")
        params.append(registration_id)
    if actor is not None:
        conditions.append("actor = %s")
        params.append(actor)
    if action is not None:
        conditions.append("action = %s")
        params.append(action)
    if before_id is not None:
        conditions.append("id < %s")
        params.append(before_id)
    sql = (
        "SELECT id, actor, action, entity_type, entity_id, old_value, new_value, reason, "
        f"created_at FROM t_audit_log FORCE INDEX ({index}) WHERE {' AND '.join(conditions)} "
        "ORDER BY id DESC LIMIT %s"
    )
    return sql, (*params, limit + 1)


def _walked_index(registration_id, actor, action) -> str:
    """The index a page walks, named: left to choose, the optimiser merges two indexes of a
    common action (half the trail can be status changes) and sorts them, which costs the
    whole school's trail at a million entries instead of one page. The most selective filter
    leads; the others are checked on the rows it reads."""
    if registration_id is not None:
        return "ix_audit_entity"
    if actor is not None:
        return "ix_audit_actor"
    if action is not None:
        return "ix_audit_action"
    return "ix_audit_school"


def trail_actions(cursor, school_id: int) -> list[str]:
    """The actions the school's trail has, for the page's filter. Grouped by the whole index
    prefix so MySQL and MariaDB read it as a loose index scan of ix_audit_action (one read
    per distinct action; a DISTINCT here reads every entry of the school)."""
    cursor.execute(
        "SELECT action FROM t_audit_log WHERE school_id = %s GROUP BY school_id, action "
        "ORDER BY action",
        (school_id,),
    )
    return [row["action"] for row in cursor.fetchall()]
