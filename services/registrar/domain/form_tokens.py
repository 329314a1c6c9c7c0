"""CSRF tokens for forms shown before anyone is signed in (the sign-in form, the family's
registration form): an HMAC, under EDQUILL_SECRET_KEY, of the form's purpose and a random
nonce the browser keeps in an HttpOnly, SameSite=Strict cookie. Another site can neither read
the cookie nor make the browser send it with a cross-site post, so it cannot forge the token.

Signed-in pages use shared.sessions.csrf_token_for instead (bound to the session token).
"""
from __future__ import annotations

import hashlib
import hmac


def form_token(secret: str, purpose: str, nonce: str) -> str:
    message = b"form:" + purpose.encode() + b"\0" + nonce.encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def form_token_valid(secret: str, purpose: str, nonce: str | None,
                     presented: str | None) -> bool:
    if not nonce or not presented:
        return False
    return hmac.compare_digest(form_token(secret, purpose, nonce), presented)
