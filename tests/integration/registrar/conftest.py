"""Fixtures for the registrar API: the app on the session's databases, a school with a token
per role, and a second school whose ids must never leak into the first one's answers."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from registrar.app import create_app
from registrar.tokens import issue_token
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
    return SchoolAccess(school_id, {role: issue_token(connection, school_id, role)
                                    for role in ("admin", "registrar", "viewer")})


@pytest.fixture
def school(registrar_db) -> SchoolAccess:
    return _school_with_tokens(registrar_db)


@pytest.fixture
def other_school(registrar_db) -> SchoolAccess:
    return _school_with_tokens(registrar_db)
