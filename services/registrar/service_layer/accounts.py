"""Staff accounts changed by an operator: disable (its tokens revoked with it), enable, and a
new role. Each change is one transaction; every service sees it on the caller's next request
(tokens are checked against these rows each time)."""

from __future__ import annotations

from registrar.adapters import users_store
from registrar.adapters.users_store import User, check_role, user_in_school
from shared.db import transaction


def disable_user(connection, school_id: int, email: str) -> int:
    """Disable the account and revoke every token it holds; the number revoked."""
    user = user_in_school(connection, school_id, email)
    with transaction(connection) as cursor:
        users_store.mark_disabled(cursor, user)
        return users_store.revoke_tokens_of(cursor, user)


def enable_user(connection, school_id: int, email: str) -> None:
    """Let the account sign in again (its old tokens stay revoked)."""
    user = user_in_school(connection, school_id, email)
    with transaction(connection) as cursor:
        users_store.mark_enabled(cursor, user)


def set_role(connection, school_id: int, email: str, role: str) -> User:
    """Give the account another role; its tokens carry the new one from their next request."""
    check_role(role)
    user = user_in_school(connection, school_id, email)
    with transaction(connection) as cursor:
        users_store.write_role(cursor, user, role)
    return User(user.id, school_id, user.email, role)
