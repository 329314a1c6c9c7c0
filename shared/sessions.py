"""Staff sign-in for the pages: the API token in an HttpOnly cookie, and CSRF tokens bound to it.

The registrar's /login puts the token a staff member signs in for into SESSION_COOKIE; every
service's pages (registrar workspace, dashboard) read it and verify it like an Accesstoken
header. The cookie is HttpOnly (scripts cannot read it) and SameSite=Lax (other sites cannot
post with it); on top, every state-changing form or fetch carries a CSRF token: an HMAC of the
session token under EDQUILL_SECRET_KEY, which any service with the secret can check without
storing anything, and which changes with every sign-in. A page opened before a key rotation
still posts: the token is checked against every key of the ring (shared.signing).
"""

from __future__ import annotations

from shared.signing import KeyRing

SESSION_COOKIE = "edquill_session"
CSRF_FIELD = "csrf_token"  # hidden form field
CSRF_HEADER = "X-CSRF-Token"  # the same token, sent by fetch()
# A signed-in page stays signed in this long (the token behind it expires then too).
SESSION_SECONDS = 12 * 3600


def csrf_token_for(keys: KeyRing, session_token: str) -> str:
    return keys.mac(b"csrf:" + session_token.encode())


def csrf_valid(keys: KeyRing, session_token: str | None, presented: str | None) -> bool:
    if not session_token:
        return False
    return keys.mac_valid(b"csrf:" + session_token.encode(), presented)


def set_session_cookie(response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=secure,
        path="/",
    )


def clear_session_cookie(response, *, secure: bool) -> None:
    # Sent as set_session_cookie sends it: every cookie of an https request is Secure, the
    # one that clears it too.
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax", secure=secure)
