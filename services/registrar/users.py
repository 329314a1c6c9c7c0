"""Staff accounts (t_user): an e-mail, a role in one school, and a slow salted password hash.

Passwords are hashed with werkzeug's scrypt (salted, memory-hard); the clear password is
never stored or logged. E-mail addresses are kept lower-case, so sign-in ignores case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from registrar.tokens import ROLES, Principal

PASSWORD_HASH_METHOD = "scrypt"
# Long enough to resist guessing within the sign-in throttle; no composition rules (NIST
# 800-63B advises length over character classes).
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidAccount(ValueError):
    """An e-mail, role or password that an account cannot have; the message says which."""


@dataclass(frozen=True)
class User:
    id: int
    school_id: int
    email: str
    role: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_account(email: str, role: str, password: str) -> None:
    if not EMAIL.match(normalise_email(email)) or len(email) > 254:
        raise InvalidAccount(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise InvalidAccount(f"role must be one of {', '.join(ROLES)}")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidAccount(f"the password must be {MIN_PASSWORD_LENGTH} to "
                             f"{MAX_PASSWORD_LENGTH} characters long")


def create_user(connection, school_id: int, email: str, role: str, password: str) -> int:
    """Insert an account; raises InvalidAccount, or pymysql's IntegrityError for a taken e-mail."""
    check_new_account(email, role, password)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_user (school_id, email, role, password_hash, created_at) "
            "VALUES (%s, %s, %s, %s, UTC_TIMESTAMP(6))",
            (school_id, normalise_email(email), role,
             generate_password_hash(password, method=PASSWORD_HASH_METHOD)))
        return cursor.lastrowid


def authenticate(connection, email: str, password: str) -> User | None:
    """The active account with this e-mail and password, else None (in constant-ish time)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, school_id, email, role, password_hash FROM t_user "
            "WHERE email = %s AND disabled_at IS NULL", (normalise_email(email),))
        record = cursor.fetchone()
    if record is None:
        check_password_hash(_unknown_user_hash(), password)
        return None
    if not check_password_hash(record.pop("password_hash"), password):
        return None
    return User(**record)


def user_by_id(connection, school_id: int, user_id: int) -> User | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, school_id, email, role FROM t_user "
                       "WHERE id = %s AND school_id = %s", (user_id, school_id))
        record = cursor.fetchone()
    return User(**record) if record else None


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
        cursor.execute("UPDATE t_user SET last_login_at = UTC_TIMESTAMP(6) "
                       "WHERE id = %s AND school_id = %s", (user.id, user.school_id))


@cache
def _unknown_user_hash() -> str:
    """Checked when the e-mail is unknown, so a wrong address costs the same time as a wrong
    password and response times do not tell which addresses have accounts."""
    return generate_password_hash("no such user: here only to spend the same time",
                                  method=PASSWORD_HASH_METHOD)
