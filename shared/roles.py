"""Staff roles and what each may do: one list and one order for every service.

A role is a token's (and an account's) power over its school's data. Each is the one before it
and more: a viewer reads; a registrar also changes registrations, classes and invoices; an
admin also manages accounts and tokens. A view names the least role it needs.
"""

from __future__ import annotations

VIEWER = "viewer"
REGISTRAR = "registrar"
ADMIN = "admin"

# Most powerful first, as the CLI offers them and error messages list them.
ROLES = (ADMIN, REGISTRAR, VIEWER)

# Roles in increasing power.
_RANK = {VIEWER: 0, REGISTRAR: 1, ADMIN: 2}


def is_role(name: object) -> bool:
    return name in ROLES


def role_at_least(role: str, least_role: str) -> bool:
    """Whether `role` is `least_role` or a more powerful one; an unknown role is neither."""
    return is_role(role) and _RANK[role] >= _RANK[least_role]
