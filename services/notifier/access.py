"""Who may call what: the Accesstoken header, checked by the registrar (shared.remote_auth),
and role checks.

Missing or bad token -> 401; a role that may not -> 403; the registrar not answering -> 503.
A view reads the school from `current_principal()`, never from the request.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request

from shared.remote_auth import RegistrarUnavailable, RemotePrincipal
from shared.web import ApiError

# Roles in increasing power; a view names the least role it needs.
_RANK = {"viewer": 0, "registrar": 1, "admin": 2}


def requires(least_role: str):
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            principal = _authenticate()
            if _RANK.get(principal.role, -1) < _RANK[least_role]:
                raise ApiError(403, "forbidden", f"this needs the {least_role} role")
            return view(*args, **kwargs)
        return guarded
    return decorate


def current_principal() -> RemotePrincipal:
    return g.principal


def _authenticate() -> RemotePrincipal:
    token = request.headers.get("Accesstoken", "").strip()
    if not token:
        raise ApiError(401, "unauthorized", "the Accesstoken header is missing")
    try:
        principal = current_app.extensions["notifier_token_check"].verify(token)
    except RegistrarUnavailable as exc:
        raise ApiError(503, "auth_unavailable", f"cannot check the token now: {exc}") from None
    if principal is None:
        raise ApiError(401, "unauthorized", "the access token is unknown, expired or revoked")
    g.principal = principal
    return principal
