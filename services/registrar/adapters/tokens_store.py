"""API tokens: issued once in clear, stored as SHA-256, school-scoped, with a role.

Tokens are 256 random bits, so a fast hash is enough (no password-style stretching); only the
hash is stored, and lookups are by hash. Expired and revoked tokens are refused.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.roles import ROLES, is_role

# `last used` is kept to the minute: a busy token costs one write a minute, not one a request.
LAST_USED_RESOLUTION_SECONDS = 60


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's school and role (and user, for signed-in staff)."""

    token_id: int
    school_id: int
    role: str
    user_id: int | None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    connection,
    school_id: int,
    role: str,
    *,
    label: str | None = None,
    user_id: int | None = None,
    ttl: timedelta | None = None,
) -> str:
    if not is_role(role):
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token = secrets.token_urlsafe(32)
    expires_at = datetime.utcnow() + ttl if ttl else None
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_api_token (school_id, role, token_hash, label, user_id, created_at, "
            "expires_at) VALUES (%s, %s, %s, %s, %s, UTC_TIMESTAMP(6), %s)",
            (school_id, role, hash_token(token), label, user_id, expires_at),
        )
    return token


def token_id_of(connection, token: str) -> int:
    """The id of a token just issued (its row is found by hash, as every lookup is)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM t_api_token WHERE token_hash = %s", (hash_token(token),))
        return cursor.fetchone()["id"]


def principal_for(connection, token: str) -> Principal | None:
    """The caller behind a token, or None for an unknown, expired or revoked one, or one whose
    account is disabled."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, t.school_id, COALESCE(u.role, t.role) AS role, t.user_id, "
            "(t.last_used_at IS NULL OR t.last_used_at < UTC_TIMESTAMP(6) - INTERVAL %s SECOND) "
            "AS use_to_record FROM t_api_token t "
            "LEFT JOIN t_user u ON u.id = t.user_id AND u.school_id = t.school_id "
            "WHERE t.token_hash = %s AND t.revoked_at IS NULL "
            "AND (t.expires_at IS NULL OR t.expires_at > UTC_TIMESTAMP(6)) "
            "AND (t.user_id IS NULL OR (u.id IS NOT NULL AND u.disabled_at IS NULL))",
            (LAST_USED_RESOLUTION_SECONDS, hash_token(token)),
        )
        record = cursor.fetchone()
        if record is None:
            return None
        if record["use_to_record"]:
            cursor.execute(
                "UPDATE t_api_token SET last_used_at = UTC_TIMESTAMP(6) "
                "WHERE id = %s AND school_id = %s",
                (record["id"], record["school_id"]),
            )
    return Principal(record["id"], record["school_id"], record["role"], record["user_id"])


def school_tokens(connection, school_id: int) -> list[dict]:
    """Every token of the school, newest first, without any secret: id, role, account,
    label, created, last used, expires, revoked."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, COALESCE(u.role, t.role) AS role, u.email AS user, t.label, "
            "t.created_at, t.last_used_at, t.expires_at, t.revoked_at FROM t_api_token t "
            "LEFT JOIN t_user u ON u.id = t.user_id AND u.school_id = t.school_id "
            "WHERE t.school_id = %s ORDER BY t.id DESC",
            (school_id,),
        )
        return list(cursor.fetchall())


def school_has_token(connection, school_id: int, token_id: int) -> bool:
    with connection.cursor() as cursor:
        return bool(
            cursor.execute(
                "SELECT 1 FROM t_api_token WHERE id = %s AND school_id = %s", (token_id, school_id)
            )
        )


def revoke_token(connection, school_id: int, token_id: int) -> bool:
    with connection.cursor() as cursor:
        return bool(
            cursor.execute(
                "UPDATE t_api_token SET revoked_at = UTC_TIMESTAMP(6) WHERE id = %s "
                "AND school_id = %s AND revoked_at IS NULL",
                (token_id, school_id),
            )
        )
