"""Who may call what: the `Accesstoken` header resolved to a Principal, and role checks.

Missing or unknown token -> 401; a role that may not -> 403. Every view that touches a
school's data reads the school from `current_principal()`, never from the request.
"""

from __future__ import annotations

from functools import wraps

from flask import g, request

from registrar.adapters.tokens_store import Principal, principal_for
from shared.openapi_docs import token_guard_doc
from shared.roles import role_at_least
from shared.web import ApiError, request_db


def requires(least_role: str):
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            principal = _authenticate()
            if not has_role(principal, least_role):
                raise ApiError(403, "forbidden", f"this needs the {least_role} role")
            return view(*args, **kwargs)

        return token_guard_doc(least_role)(guarded)

    return decorate


def has_role(principal: Principal, least_role: str) -> bool:
    """Whether the principal's role is `least_role` or a more powerful one."""
    return role_at_least(principal.role, least_role)


def current_principal() -> Principal:
    return g.principal


def _authenticate() -> Principal:
    token = request.headers.get("Accesstoken", "").strip()
    if not token:
        raise ApiError(401, "unauthorized", "the Accesstoken header is missing")
    principal = principal_for(request_db("registrar"), token)
    if principal is None:
        raise ApiError(401, "unauthorized", "the access token is unknown, expired or revoked")
    g.principal = principal
    return principal
