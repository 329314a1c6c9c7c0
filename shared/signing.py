"""What EdQuill signs with EDQUILL_SECRET_KEY, signed and checked through one key ring.

Signs with the current key; accepts a signature made with any key still trusted (the current
one and EDQUILL_SECRET_KEY_PREVIOUS), so a rotation breaks no link in a family's inbox and no
form open in a browser, while everything new is signed with the new key. Once the older keys
are dropped from EDQUILL_SECRET_KEY_PREVIOUS, what they signed stops working.

Two kinds of signature go through here: itsdangerous serializers (family links: they carry
their data) and HMAC tokens (CSRF and form tokens: the data is known to both sides).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from itsdangerous import URLSafeSerializer

from shared.config import Settings


@dataclass(frozen=True)
class KeyRing:
    # Oldest first, the current key last: the order itsdangerous takes (it signs with the last).
    keys: tuple[str, ...]

    def __post_init__(self):
        if not self.keys or not all(self.keys):
            raise ValueError("a key ring needs at least one non-empty key")

    @classmethod
    def of(cls, settings: Settings) -> "KeyRing":
        return cls(tuple(settings.verification_keys))

    @property
    def current(self) -> str:
        return self.keys[-1]

    def serializer(self, salt: str) -> URLSafeSerializer:
        """Signs with the current key; loads what any key of the ring signed."""
        return URLSafeSerializer(list(self.keys), salt=salt)

    def mac(self, message: bytes) -> str:
        """HMAC-SHA256 of `message` under the current key, in hex."""
        return _mac(self.current, message)

    def mac_valid(self, message: bytes, presented: str | None) -> bool:
        """Whether `presented` is the HMAC of `message` under any key of the ring."""
        if not presented:
            return False
        # Every key is tried, so the time taken does not tell which one matched; compared as
        # bytes, so a presented token with non-ASCII characters is refused, not an error.
        presented_bytes = presented.encode()
        matches = [
            hmac.compare_digest(_mac(key, message).encode(), presented_bytes) for key in self.keys
        ]
        return any(matches)


def _mac(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
