"""API tokens: issued once in clear, stored as SHA-256, school-scoped, with a role.

Tokens are 256 random bits, so a fast hash is enough (no password-style stretching); only the
hash is stored, and lookups are by hash. Expired and revoked tokens are refused.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

ROLES = ("admin", "registrar", "viewer")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's school and role (and user, for signed-in staff)."""
    token_id: int
    school_id: int
    role: str
    user_id: int | None = None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(connection, school_id: int, role: str, *, label: str | None = None,
                user_id: int | None = None, ttl: timedelta | None = None) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token = secrets.token_urlsafe(32)
    expires_at = datetime.utcnow() + ttl if ttl else None
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_api_token (school_id, role, token_hash, label, user_id, created_at, "
            "expires_at) VALUES (%s, %s, %s, %s, %s, UTC_TIMESTAMP(6), %s)",
            (school_id, role, hash_token(token), label, user_id, expires_at))
    return token


def principal_for(connection, token: str) -> Principal | None:
    """The caller behind a token, or None for an unknown, expired or revoked one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, school_id, role, user_id FROM t_api_token WHERE token_hash = %s "
            "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > UTC_TIMESTAMP(6))",
            (hash_token(token),))
        record = cursor.fetchone()
    if record is None:
        return None
    return Principal(record["id"], record["school_id"], record["role"], record["user_id"])


def revoke_token(connection, school_id: int, token_id: int) -> bool:
    with connection.cursor() as cursor:
        return bool(cursor.execute(
            "UPDATE t_api_token SET revoked_at = UTC_TIMESTAMP(6) WHERE id = %s "
            "AND school_id = %s AND revoked_at IS NULL", (token_id, school_id)))
