"""Turning a school's feature flag on or off: the row and its audit entry in one transaction."""

from __future__ import annotations

from registrar.adapters import audit_store, flags_store
from shared.db import transaction


def set_flag(connection, school_id: int, key: str, enabled: bool, actor: str) -> dict:
    """The flag as it now is; raises UnknownFlag (404) for a key no school has."""
    flag = flags_store.known_flag(key)
    with transaction(connection) as cursor:
        was = flags_store.lock_flag(cursor, school_id, flag)
        answer = flags_store.write_flag(cursor, school_id, flag, enabled)
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=actor,
            action="feature_flag_changed",
            entity_type="school",
            entity_id=school_id,
            old_value=f"{key}={flags_store.flag_word(was)}",
            new_value=f"{key}={flags_store.flag_word(enabled)}",
        )
    return answer
