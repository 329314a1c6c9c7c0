"""Who may read the KPI API: any role of a school, by its `Accesstoken`, which the registrar
vouches for (shared.remote_auth). Every view reads the school from `current_principal()`,
never from the request: a token sees its own school's figures only."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request

from shared.remote_auth import RegistrarUnavailable, RemotePrincipal, RemoteTokenVerifier
from shared.web import ApiError

VERIFIER_EXTENSION = "edquill_token_verifier"


def install_verifier(app, verifier: RemoteTokenVerifier) -> None:
    app.extensions[VERIFIER_EXTENSION] = verifier


def requires_token(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        g.principal = _authenticate()
        return view(*args, **kwargs)
    return guarded


def current_principal() -> RemotePrincipal:
    return g.principal


def _authenticate() -> RemotePrincipal:
    token = request.headers.get("Accesstoken", "").strip()
    if not token:
        raise ApiError(401, "unauthorized", "the Accesstoken header is missing")
    try:
        principal = current_app.extensions[VERIFIER_EXTENSION].verify(token)
    except RegistrarUnavailable as exc:
        raise ApiError(503, "auth_unavailable", "the access token cannot be checked right "
                       "now; try again shortly", {"reason": str(exc)}) from None
    if principal is None:
        raise ApiError(401, "unauthorized", "the access token is unknown, expired or revoked")
    return principal
