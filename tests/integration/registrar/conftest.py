"""Fixtures for the registrar API: the app on the session's databases, a school with a token
per role, and a second school whose ids must never leak into the first one's answers."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

import pytest

from registrar.adapters.tokens_store import issue_token
from registrar.adapters.users_store import create_user
from registrar.entrypoints.app import create_app
from tests.support.factories import create_school


@dataclass
class SchoolAccess:
    id: int
    tokens: dict[str, str]

    def headers(self, role: str = "admin") -> dict[str, str]:
        return {"Accesstoken": self.tokens[role]}


@pytest.fixture(scope="session")
def registrar_app(settings):
    return create_app(settings, {"TESTING": True})


@pytest.fixture
def client(registrar_app):
    return registrar_app.test_client()


def _school_with_tokens(connection, **school) -> SchoolAccess:
    school_id = create_school(connection, **school)
    return SchoolAccess(
        school_id,
        {
            role: issue_token(connection, school_id, role)
            for role in ("admin", "registrar", "viewer")
        },
    )


@pytest.fixture
def school(registrar_db) -> SchoolAccess:
    return _school_with_tokens(registrar_db)


@pytest.fixture
def other_school(registrar_db) -> SchoolAccess:
    return _school_with_tokens(registrar_db)


@pytest.fixture
def client_address() -> str:
    """An address of the test's own (198.18.0.0/16, in the benchmarking range), so one test's
    per-address limits never touch another's. Send it as X-Forwarded-For: the test client's
    peer is loopback, which is where the gateway's header is believed. Handed out in turn
    from a random start: drawn at random, two tests of a session shared one now and then, and
    one's submission counted against the other's limit."""
    number = next(_ADDRESSES) % (256 * 254)
    return f"198.18.{number // 254}.{number % 254 + 1}"


# The session's next address (client_address), from a random start so sessions differ too.
# 198.18.0.0/16 is theirs alone: tests that need addresses of their own use 198.19.0.0/16.
_ADDRESSES = itertools.count(secrets.randbelow(256 * 254))


@pytest.fixture
def school_slug(registrar_db, school) -> str:
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT slug FROM schools WHERE id = %s", (school.id,))
        return cursor.fetchone()["slug"]


@dataclass
class StaffAccount:
    id: int
    school_id: int
    email: str
    password: str
    role: str


@pytest.fixture
def staff_account(registrar_db, school) -> StaffAccount:
    """A registrar-role account in `school`, able to sign in."""
    email = f"staff-{secrets.token_hex(4)}@school.example"
    password = "correct horse battery"
    user_id = create_user(registrar_db, school.id, email, "registrar", password)
    return StaffAccount(user_id, school.id, email, password, "registrar")
