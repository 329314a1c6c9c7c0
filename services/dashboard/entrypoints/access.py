"""Who is asking: the API's `Accesstoken` header (shared.remote_access guards the views), or
the page's session cookie (the same token, put there by the registrar's /login), both vouched
for by the registrar. The dashboard also needs the token itself: it asks the KPI service and
the notifier with it, so each answers for the caller's school only.

Pages: no session, or one the registrar refuses, is None (the page sends the browser to sign
in); the registrar not answering raises ApiError 503. A view reads the school from the
principal, never from the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from shared.remote_access import current_principal, principal_for_token
from shared.remote_auth import RemotePrincipal
from shared.sessions import SESSION_COOKIE

# Longest session cookie worth asking the registrar about: real tokens are far shorter.
MAX_TOKEN_LENGTH = 512


@dataclass(frozen=True)
class Caller:
    principal: RemotePrincipal
    token: str

    @property
    def is_admin(self) -> bool:
        return self.principal.role == "admin"


def api_caller() -> Caller:
    """The caller of an API view guarded by shared.remote_access.requires."""
    return Caller(current_principal(), request.headers["Accesstoken"].strip())


def session_caller() -> Caller | None:
    """The signed-in staff member of a page request; None without a valid session."""
    token = (request.cookies.get(SESSION_COOKIE) or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    principal = principal_for_token(token)
    return None if principal is None else Caller(principal, token)
