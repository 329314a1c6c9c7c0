"""CSRF tokens for forms shown before anyone is signed in (the sign-in form, the family's
registration form): an HMAC, under EDQUILL_SECRET_KEY, of the form's purpose and a random
nonce the browser keeps in an HttpOnly, SameSite=Strict cookie. Another site can neither read
the cookie nor make the browser send it with a cross-site post, so it cannot forge the token.

A form on a page a family link opens needs no cookie: its token is bound to the link itself
(which another site does not know, or it could act as the family anyway) and to the version of
the registration the page showed, so a form is good for one change: posted again after that
change (a replay, a second tab), it is refused.

Signed-in pages use shared.sessions.csrf_token_for instead (bound to the session token). Both
sign with the current key and accept any key of the ring (shared.signing), so a form opened
before a key rotation can still be sent after it.
"""

from __future__ import annotations

from shared.signing import KeyRing


def form_token(keys: KeyRing, purpose: str, nonce: str) -> str:
    return keys.mac(_message(purpose, nonce))


def form_token_valid(keys: KeyRing, purpose: str, nonce: str | None, presented: str | None) -> bool:
    if not nonce:
        return False
    return keys.mac_valid(_message(purpose, nonce), presented)


def _message(purpose: str, nonce: str) -> bytes:
    return b"form:" + purpose.encode() + b"\0" + nonce.encode()


def link_form_token(keys: KeyRing, purpose: str, link_token: str, version: int) -> str:
    return form_token(keys, purpose, _link_nonce(link_token, version))


def link_form_token_valid(
    keys: KeyRing, purpose: str, link_token: str, version: int, presented: str | None
) -> bool:
    return form_token_valid(keys, purpose, _link_nonce(link_token, version), presented)


def _link_nonce(link_token: str, version: int) -> str:
    return f"{int(version)}:{link_token}"
