"""API tokens as a school's admins (the staff page and API) and operators (`edquill token`)
manage them: issue (the token shown once), list, revoke. Issuing and revoking are audited."""

from __future__ import annotations

from datetime import timedelta

from registrar.adapters import audit_store, tokens_store
from shared.db import transaction
from shared.errors import Conflict, NotFound


class AlreadyRevoked(Conflict):
    code = "already_revoked"

    def __init__(self, token_id: int):
        super().__init__(f"token {token_id} was revoked already")


def issue(
    connection,
    school_id: int,
    role: str,
    actor: str,
    *,
    label: str | None = None,
    ttl_days: int | None = None,
) -> dict:
    """A new token of the school: its id and, this once, the token itself."""
    with transaction(connection) as cursor:
        token = tokens_store.issue_token(
            connection,
            school_id,
            role,
            label=label,
            ttl=timedelta(days=ttl_days) if ttl_days else None,
        )
        token_id = tokens_store.token_id_of(connection, token)
        _audit(cursor, school_id, actor, "token_issued", token_id, None, role)
    return {"id": token_id, "token": token, "role": role, "label": label}


def listed(connection, school_id: int) -> list[dict]:
    return tokens_store.school_tokens(connection, school_id)


def revoke(connection, school_id: int, token_id: int, actor: str) -> None:
    """Refused from its next request, in every service; raises NotFound or AlreadyRevoked."""
    with transaction(connection) as cursor:
        if not tokens_store.revoke_token(connection, school_id, token_id):
            if tokens_store.school_has_token(connection, school_id, token_id):
                raise AlreadyRevoked(token_id)
            raise NotFound("token")
        _audit(cursor, school_id, actor, "token_revoked", token_id, "live", "revoked")


def _audit(cursor, school_id, actor, action, token_id, old_value, new_value) -> None:
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action=action,
        entity_type="token",
        entity_id=token_id,
        old_value=old_value,
        new_value=new_value,
    )
