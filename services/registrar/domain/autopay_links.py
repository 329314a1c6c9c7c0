"""The CSRF token of the page an autopay link opens: no I/O. (The links themselves are signed
and read in shared.family_links: the notifier makes them too.)

The confirmation form carries a CSRF token bound to a random nonce kept in a cookie and to the
link itself: a page on another site can neither read the cookie nor compute the token. Checked
against every key of the ring, so a page opened before a key rotation can still be confirmed.
"""

from __future__ import annotations

from shared.signing import KeyRing

_CSRF_CONTEXT = b"edquill.autopay-csrf.v1"


def csrf_token(keys: KeyRing, nonce: str, link_token: str) -> str:
    return keys.mac(_message(nonce, link_token))


def csrf_valid(keys: KeyRing, nonce: str | None, link_token: str, submitted: str | None) -> bool:
    if not nonce:
        return False
    return keys.mac_valid(_message(nonce, link_token), submitted)


def _message(nonce: str, link_token: str) -> bytes:
    return _CSRF_CONTEXT + b"\0" + nonce.encode() + b"\0" + link_token.encode()
