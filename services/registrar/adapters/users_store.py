"""Staff accounts (t_user): an e-mail, a role in one school, and a slow salted password hash.

Passwords are hashed with werkzeug's scrypt at PASSWORD_COST (registrar.domain.password_cost:
the parameters are stored with each hash, and a weaker hash is remade at the next successful
sign-in); the clear password is never stored or logged. E-mail addresses are kept lower-case;
the table's collation matches other spellings (case, accents) to the same account.

Disabling an account revokes its tokens in the same transaction, so every session and token it
had stops on its next request, in every service, and enabling it again revives none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from registrar.adapters.tokens_store import Principal
from registrar.domain.password_cost import OWASP_SCRYPT, needs_rehash
from shared.roles import ROLES

# The cost new hashes are made at, and below which a stored hash is remade. The tests lower it
# (tests/conftest.py) so that making accounts stays fast; one test proves this value.
PASSWORD_COST = OWASP_SCRYPT
# Long enough to resist guessing within the sign-in throttle; no composition rules (NIST
# 800-63B advises length over character classes).
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidAccount(ValueError):
    """An e-mail, role or password that an account cannot have; the message says which."""


class UnknownAccount(LookupError):
    """No account with this e-mail in this school."""


@dataclass(frozen=True)
class User:
    id: int
    school_id: int
    email: str
    role: str


@dataclass(frozen=True)
class StoredAccount:
    """An account as sign-in sees it, the hash included: never leaves this module's callers."""

    user: User
    password_hash: str
    disabled: bool


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_account(email: str, role: str, password: str) -> None:
    check_email(email)
    check_role(role)
    check_password(password)


def check_email(email: str) -> None:
    if not EMAIL.match(normalise_email(email)) or len(email) > 254:
        raise InvalidAccount(f"{email!r} is not an e-mail address")


def check_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidAccount(
            f"the password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters long"
        )


def check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidAccount(f"role must be one of {', '.join(ROLES)}")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_COST.method)


def create_user(connection, school_id: int, email: str, role: str, password: str) -> int:
    """Insert an account; raises InvalidAccount, or pymysql's IntegrityError for a taken e-mail."""
    check_new_account(email, role, password)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_user (school_id, email, role, password_hash, created_at) "
            "VALUES (%s, %s, %s, %s, UTC_TIMESTAMP(6))",
            (school_id, normalise_email(email), role, hash_password(password)),
        )
        return cursor.lastrowid


def stored_account(connection, email: str) -> StoredAccount | None:
    """The account this e-mail names in any spelling the collation matches, disabled or not."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, school_id, email, role, password_hash, disabled_at IS NOT NULL "
            "AS disabled FROM t_user WHERE email = %s",
            (normalise_email(email),),
        )
        record = cursor.fetchone()
    if record is None:
        return None
    return StoredAccount(
        User(record["id"], record["school_id"], record["email"], record["role"]),
        record["password_hash"],
        bool(record["disabled"]),
    )


def authenticate(account: StoredAccount | None, password: str) -> User | None:
    """The active account if the password is its own, else None (in constant-ish time)."""
    if account is None:
        check_password_hash(_unknown_user_hash(PASSWORD_COST.method), password)
        return None
    if not check_password_hash(account.password_hash, password) or account.disabled:
        return None
    return account.user


def rehash_if_weaker(connection, account: StoredAccount, password: str) -> bool:
    """Remake the hash at PASSWORD_COST when it was made cheaper (the password was just
    checked, so it is the right one). True when it was remade."""
    if not needs_rehash(account.password_hash, PASSWORD_COST):
        return False
    with connection.cursor() as cursor:
        # Only over the hash that was checked: a password changed meanwhile is not undone.
        cursor.execute(
            "UPDATE t_user SET password_hash = %s WHERE id = %s AND school_id = %s "
            "AND password_hash = %s",
            (
                hash_password(password),
                account.user.id,
                account.user.school_id,
                account.password_hash,
            ),
        )
    return True


def address_has_account(cursor, email: str) -> bool:
    """Whether any account, of any school, active or not, has this address. Not scoped by
    school on purpose: sign-in names the address alone, so it can belong to one account only
    (uq_user_email)."""
    cursor.execute("SELECT 1 FROM t_user WHERE email = %s", (normalise_email(email),))
    return cursor.fetchone() is not None


def user_by_id(connection, school_id: int, user_id: int) -> User | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, school_id, email, role FROM t_user WHERE id = %s AND school_id = %s",
            (user_id, school_id),
        )
        record = cursor.fetchone()
    return User(**record) if record else None


def user_in_school(connection, school_id: int, email: str) -> User:
    """The school's account with this e-mail; raises UnknownAccount (another school's
    account is unknown here too)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, school_id, email, role FROM t_user WHERE email = %s AND school_id = %s",
            (normalise_email(email), school_id),
        )
        record = cursor.fetchone()
    if record is None:
        raise UnknownAccount(f"no account with e-mail {email!r} in school {school_id}")
    return User(**record)


def mark_disabled(cursor, user: User) -> None:
    """The account may no longer sign in (kept as first disabled, if it was already)."""
    cursor.execute(
        "UPDATE t_user SET disabled_at = COALESCE(disabled_at, UTC_TIMESTAMP(6)) "
        "WHERE id = %s AND school_id = %s",
        (user.id, user.school_id),
    )


def revoke_tokens_of(cursor, user: User) -> int:
    """Revoke every live token issued to the account; the number revoked."""
    return cursor.execute(
        "UPDATE t_api_token SET revoked_at = UTC_TIMESTAMP(6) WHERE user_id = %s "
        "AND school_id = %s AND revoked_at IS NULL",
        (user.id, user.school_id),
    )


def mark_enabled(cursor, user: User) -> None:
    cursor.execute(
        "UPDATE t_user SET disabled_at = NULL WHERE id = %s AND school_id = %s",
        (user.id, user.school_id),
    )


def write_role(cursor, user: User, role: str) -> None:
    cursor.execute(
        "UPDATE t_user SET role = %s WHERE id = %s AND school_id = %s",
        (role, user.id, user.school_id),
    )


def account_of(connection, principal: Principal) -> User | None:
    """The staff account a token was issued to (None for a token issued to no one)."""
    if principal.user_id is None:
        return None
    return user_by_id(connection, principal.school_id, principal.user_id)


def actor_for(connection, principal: Principal) -> str:
    """How the audit log names the caller: the staff member's e-mail, else the API token."""
    user = account_of(connection, principal)
    return user.email if user else f"token:{principal.token_id}"


def record_sign_in(connection, user: User) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE t_user SET last_login_at = UTC_TIMESTAMP(6) WHERE id = %s AND school_id = %s",
            (user.id, user.school_id),
        )


@cache
def _unknown_user_hash(method: str) -> str:
    """Checked when the e-mail is unknown, so a wrong address costs the same time as a wrong
    password and response times do not tell which addresses have accounts."""
    return generate_password_hash("no such user: here only to spend the same time", method=method)
