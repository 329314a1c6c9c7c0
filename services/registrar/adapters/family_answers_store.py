"""What the family's answers to requests for information read in MySQL: the language an
answer's event names, and which registrations the family has answered since the school last
acted (the board's "Family answered")."""

from __future__ import annotations

from registrar.domain.lifecycle import FAMILY_ACTOR


def language_of(cursor, school_id: int, registration_id: int) -> str:
    cursor.execute(
        "SELECT language FROM student_self_registrations WHERE id = %s AND school_id = %s",
        (registration_id, school_id),
    )
    return cursor.fetchone()["language"]


def answered_by_family(cursor, school_id: int, ids: list[int]) -> set[int]:
    """Those of `ids` whose latest status change is the family's answer (needs_info to
    in_review by the family): once the school moves the registration, the mark goes."""
    if not ids:
        return set()
    # The latest status change per registration through ix_audit_entity, then who made it.
    cursor.execute(
        "SELECT a.entity_id FROM t_audit_log a JOIN ("
        "SELECT entity_id, MAX(id) AS last_id FROM t_audit_log WHERE school_id = %s "
        "AND entity_type = 'registration' AND entity_id IN %s AND action = 'status_changed' "
        "GROUP BY entity_id) latest ON latest.last_id = a.id "
        "WHERE a.actor = %s AND a.old_value = 'needs_info' AND a.new_value = 'in_review'",
        (school_id, ids, FAMILY_ACTOR),
    )
    return {row["entity_id"] for row in cursor.fetchall()}
