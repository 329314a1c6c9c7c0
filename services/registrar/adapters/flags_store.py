"""Per-school feature flags (t_feature_flag): the known keys, their defaults, and the one
question other code asks, `is_enabled(cursor_or_connection, school_id, key)`.

A school without a row for a key has the key's default; setting one (service_layer.flags)
stores a row and an audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from registrar.adapters.db_cursor import cursor_from
from shared.errors import NotFound


@dataclass(frozen=True)
class Flag:
    key: str
    default: bool
    description: str


KNOWN_FLAGS = {
    flag.key: flag
    for flag in (
        # Off unless a school opts in: it sends families a link that sets up card payments.
        Flag("autopay", False, "Offer families an autopay link with the first invoice."),
        Flag("reminders", True, "Send reminders for unpaid invoices and missing documents."),
        Flag("status_emails", True, "E-mail the family when their registration's status changes."),
    )
}


class UnknownFlag(NotFound):
    def __init__(self, key: str):
        super().__init__(f"feature flag {key!r}")


def is_enabled(cursor_or_connection, school_id: int, key: str) -> bool:
    """Whether the school has the flag on; raises UnknownFlag for a key not in KNOWN_FLAGS."""
    flag = _known(key)
    with cursor_from(cursor_or_connection) as cursor:
        stored = _stored(cursor, school_id, key)
    return flag.default if stored is None else stored


def flags_for(connection, school_id: int) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT flag_key, enabled, updated_at FROM t_feature_flag WHERE school_id = %s",
            (school_id,),
        )
        rows = {row["flag_key"]: row for row in cursor.fetchall()}
    return [_describe(flag, rows.get(flag.key)) for flag in KNOWN_FLAGS.values()]


def known_flag(key: str) -> Flag:
    """The flag of that key; UnknownFlag (a NotFound) for a key no school has."""
    return _known(key)


def lock_flag(cursor, school_id: int, flag: Flag) -> bool:
    """The school's value of the flag now (its default without a row), locked until the
    transaction ends."""
    cursor.execute(
        "SELECT enabled FROM t_feature_flag WHERE school_id = %s AND flag_key = %s FOR UPDATE",
        (school_id, flag.key),
    )
    row = cursor.fetchone()
    return flag.default if row is None else bool(row["enabled"])


def write_flag(cursor, school_id: int, flag: Flag, enabled: bool) -> dict:
    """Store the school's value of the flag; the flag as the API describes it."""
    cursor.execute(
        "INSERT INTO t_feature_flag (school_id, flag_key, enabled, updated_at) "
        "VALUES (%s, %s, %s, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE "
        "enabled = %s, updated_at = UTC_TIMESTAMP(6)",
        (school_id, flag.key, enabled, enabled),
    )
    cursor.execute(
        "SELECT flag_key, enabled, updated_at FROM t_feature_flag "
        "WHERE school_id = %s AND flag_key = %s",
        (school_id, flag.key),
    )
    return _describe(flag, cursor.fetchone())


def flag_word(enabled: bool) -> str:
    """How the audit trail writes a flag's value."""
    return _word(enabled)


def _known(key: str) -> Flag:
    try:
        return KNOWN_FLAGS[key]
    except KeyError:
        raise UnknownFlag(key) from None


def _stored(cursor, school_id: int, key: str) -> bool | None:
    cursor.execute(
        "SELECT enabled FROM t_feature_flag WHERE school_id = %s AND flag_key = %s",
        (school_id, key),
    )
    row = cursor.fetchone()
    if row is None:
        return None
    # Works with dict and tuple cursors alike.
    return bool(row["enabled"] if isinstance(row, dict) else row[0])


def _describe(flag: Flag, row: dict | None) -> dict:
    return {
        "key": flag.key,
        "description": flag.description,
        "default": flag.default,
        "enabled": flag.default if row is None else bool(row["enabled"]),
        "updated_at": row["updated_at"] if row else None,
    }


def _word(enabled: bool) -> str:
    return "on" if enabled else "off"
