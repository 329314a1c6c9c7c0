"""Guarding the API views of a service other than the registrar: the `Accesstoken` header,
checked by the registrar through the app's RemoteTokenVerifier, and role checks.

Missing or refused token -> 401; a role that may not -> 403; the registrar not answering ->
503 (rather than letting anyone in, or turning everyone away as unauthenticated). A view reads
the school from `current_principal()`, never from the request.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, request

from shared.openapi_docs import token_guard_doc
from shared.remote_auth import RegistrarUnavailable, RemotePrincipal, RemoteTokenVerifier
from shared.roles import VIEWER, role_at_least
from shared.web import ApiError

VERIFIER_EXTENSION = "edquill_token_verifier"


def install_verifier(app, verifier: RemoteTokenVerifier) -> None:
    app.extensions[VERIFIER_EXTENSION] = verifier


def requires(least_role: str = VIEWER):
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            principal = _authenticate()
            if not role_at_least(principal.role, least_role):
                raise ApiError(403, "forbidden", f"this needs the {least_role} role")
            return view(*args, **kwargs)

        return token_guard_doc(least_role)(guarded)

    return decorate


def current_principal() -> RemotePrincipal:
    return g.principal


def principal_for_token(token: str) -> RemotePrincipal | None:
    """The principal behind a token (a header's or a session cookie's); None when refused.

    Raises ApiError 503 when the registrar cannot say."""
    try:
        return current_app.extensions[VERIFIER_EXTENSION].verify(token)
    except RegistrarUnavailable as exc:
        raise ApiError(
            503,
            "auth_unavailable",
            "the access token cannot be checked right now; try again shortly",
            {"reason": str(exc)},
        ) from None


def _authenticate() -> RemotePrincipal:
    token = request.headers.get("Accesstoken", "").strip()
    if not token:
        raise ApiError(401, "unauthorized", "the Accesstoken header is missing")
    principal = principal_for_token(token)
    if principal is None:
        raise ApiError(401, "unauthorized", "the access token is unknown, expired or revoked")
    g.principal = principal
    return principal
