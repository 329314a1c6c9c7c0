"""Staff accounts changed by an admin (the staff page and API) or an operator (`edquill
user`): create, disable (its tokens revoked with it), enable, and a new role. Each change is
one transaction with its audit entry; every service sees it on the caller's next request
(tokens are checked against these rows each time).

A school always keeps one active admin: disabling or demoting the last one is refused
(LastAdmin), under a lock on the school's admins so two admins removing each other at once
cannot both succeed.
"""

from __future__ import annotations

import pymysql

from registrar.adapters import audit_store, staff_store, users_store
from registrar.adapters.users_store import User, check_role, create_user
from shared.db import transaction
from shared.errors import Conflict, NotFound
from shared.roles import ADMIN


class LastAdmin(Conflict):
    code = "last_admin"

    def __init__(self, change: str):
        super().__init__(f"the school's last active admin cannot be {change}")


class EmailTaken(Conflict):
    code = "email_taken"

    def __init__(self, email: str):
        super().__init__(f"an account with e-mail {email!r} exists already")


def add_account(
    connection, school_id: int, email: str, role: str, password: str, actor: str
) -> int:
    """A new account able to sign in; raises InvalidAccount or EmailTaken."""
    try:
        with transaction(connection) as cursor:
            user_id = create_user(connection, school_id, email, role, password)
            _audit(cursor, school_id, actor, "account_created", user_id, None, role)
    except pymysql.err.IntegrityError:
        raise EmailTaken(users_store.normalise_email(email)) from None
    return user_id


def disable_user(connection, school_id: int, user_id: int, actor: str) -> int:
    """Disable the account and revoke every token it holds; the number revoked."""
    with transaction(connection) as cursor:
        admins = staff_store.lock_active_admins(cursor, school_id)
        member = _locked_member(cursor, school_id, user_id)
        _keep_an_admin(admins, member, "disabled")
        user = _user(member)
        users_store.mark_disabled(cursor, user)
        revoked = users_store.revoke_tokens_of(cursor, user)
        if member["disabled_at"] is None:
            _audit(cursor, school_id, actor, "account_disabled", user_id, "active", "disabled")
        return revoked


def enable_user(connection, school_id: int, user_id: int, actor: str) -> None:
    """Let the account sign in again (its old tokens stay revoked)."""
    with transaction(connection) as cursor:
        member = _locked_member(cursor, school_id, user_id)
        users_store.mark_enabled(cursor, _user(member))
        if member["disabled_at"] is not None:
            _audit(cursor, school_id, actor, "account_enabled", user_id, "disabled", "active")


def set_role(connection, school_id: int, user_id: int, role: str, actor: str) -> User:
    """Give the account another role; its tokens carry the new one from their next request."""
    check_role(role)
    with transaction(connection) as cursor:
        admins = staff_store.lock_active_admins(cursor, school_id)
        member = _locked_member(cursor, school_id, user_id)
        if role != ADMIN:
            _keep_an_admin(admins, member, "demoted")
        users_store.write_role(cursor, _user(member), role)
        if member["role"] != role:
            _audit(cursor, school_id, actor, "role_changed", user_id, member["role"], role)
    return User(user_id, school_id, member["email"], role)


def _locked_member(cursor, school_id: int, user_id: int) -> dict:
    member = staff_store.staff_member(cursor, school_id, user_id)
    if member is None:
        raise NotFound("staff account")
    return member


def _keep_an_admin(admins: set[int], member: dict, change: str) -> None:
    # The admins are locked before the member (always in this order, ids ascending): two
    # changes at once wait for each other instead of deadlocking.
    if admins == {member["id"]}:
        raise LastAdmin(change)


def _user(member: dict) -> User:
    return User(member["id"], member["school_id"], member["email"], member["role"])


def _audit(cursor, school_id, actor, action, user_id, old_value, new_value) -> None:
    audit_store.record(
        cursor,
        school_id=school_id,
        actor=actor,
        action=action,
        entity_type="user",
        entity_id=user_id,
        old_value=old_value,
        new_value=new_value,
    )
