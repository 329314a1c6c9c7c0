"""Staff roles: each is the one before it and more, and an unknown role is none of them."""

from __future__ import annotations

import pytest

from shared.roles import ADMIN, REGISTRAR, ROLES, VIEWER, is_role, role_at_least


@pytest.mark.parametrize(
    "role, least, allowed",
    [
        (VIEWER, VIEWER, True),
        (VIEWER, REGISTRAR, False),
        (VIEWER, ADMIN, False),
        (REGISTRAR, VIEWER, True),
        (REGISTRAR, REGISTRAR, True),
        (REGISTRAR, ADMIN, False),
        (ADMIN, VIEWER, True),
        (ADMIN, REGISTRAR, True),
        (ADMIN, ADMIN, True),
    ],
)
def test_a_role_may_do_what_it_and_every_lesser_role_may(role, least, allowed):
    assert role_at_least(role, least) is allowed


@pytest.mark.parametrize("role", ["owner", "", "Admin", None, ["admin"]])
def test_an_unknown_role_may_do_nothing(role):
    assert not is_role(role)
    assert role_at_least(role, VIEWER) is False


def test_roles_are_listed_most_powerful_first():
    assert ROLES == ("admin", "registrar", "viewer")
