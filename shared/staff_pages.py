"""The signed-in staff member of a page served by a service other than the registrar (the
dashboard, the notifier's messages page): the session cookie the registrar's /login sets
(shared.sessions) holds the same token an `Accesstoken` header does, and the registrar vouches
for it on every request (shared.remote_access). Each state-changing form carries the CSRF
token bound to that session.

No session, or one the registrar refuses, is None (the page sends the browser to sign in);
the registrar not answering raises ApiError 503. A page reads the school from the principal,
never from the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request

from shared.remote_access import principal_for_token
from shared.remote_auth import RemotePrincipal
from shared.roles import ADMIN, role_at_least
from shared.sessions import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_token_for, csrf_valid
from shared.signing import KeyRing

# Longest session cookie worth asking the registrar about: real tokens are far shorter.
MAX_TOKEN_LENGTH = 512


@dataclass(frozen=True)
class Caller:
    principal: RemotePrincipal
    token: str

    @property
    def is_admin(self) -> bool:
        return role_at_least(self.principal.role, ADMIN)

    @property
    def csrf_token(self) -> str:
        """The token each of this session's forms carries (in CSRF_FIELD)."""
        return csrf_token_for(_keys(), self.token)


def session_caller() -> Caller | None:
    """The signed-in staff member of a page request; None without a valid session."""
    token = (request.cookies.get(SESSION_COOKIE) or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    principal = principal_for_token(token)
    return None if principal is None else Caller(principal, token)


def posted_csrf_valid(caller: Caller) -> bool:
    """Whether this post carries the caller's CSRF token (form field, or fetch's header)."""
    presented = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    return csrf_valid(_keys(), caller.token, presented)


def _keys() -> KeyRing:
    return KeyRing.of(current_app.config["EDQUILL_SETTINGS"])
