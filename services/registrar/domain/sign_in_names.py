"""The name a sign-in attempt is counted under, so that every spelling of one address shares
one lockout counter.

An e-mail that belongs to an account counts under the account's id: the database's collation
(utf8mb4_unicode_ci) already matches `Ádmin@`, `admin@` and `ADMIN@` to the same row, and the
id is what they share. An e-mail with no account counts under its folded form: NFKC (so
full-width and compatibility characters read as their plain forms), case-folded (`ß` -> `ss`)
and with accents removed, which groups at least the spellings the collation would match; a
guesser cannot get a fresh counter by changing accents or case.
"""

from __future__ import annotations

import hashlib
import unicodedata


def folded_email(email: str) -> str:
    """The e-mail with spelling differences that do not name another address removed."""
    compatible = unicodedata.normalize("NFKC", email.strip()).casefold()
    decomposed = unicodedata.normalize("NFKD", compatible)
    unaccented = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFKC", unaccented)


def account_bucket(user_id: int | None, email: str) -> str:
    """The throttle bucket of sign-in failures for this attempt's account."""
    if user_id is not None:
        return f"login:user:{user_id}"
    # Bucket names hold no e-mail addresses in clear.
    digest = hashlib.sha256(folded_email(email).encode()).hexdigest()
    return f"login:email:{digest}"
