"""How expensive a stored password hash is, and whether it must be made again.

Hashes are werkzeug's `scrypt:N:r:p$salt$hash`: the parameters are stored with each hash, so
raising the cost needs no migration. A hash whose parameters are below the current cost, or
made by another method (pbkdf2, an old plain `scrypt`), is rehashed at the account's next
successful sign-in, the only moment the clear password is at hand.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScryptCost:
    n: int  # CPU/memory cost, a power of two; memory is 128 * n * r bytes
    r: int  # block size
    p: int  # parallelism

    @property
    def method(self) -> str:
        """werkzeug's name for hashing at this cost."""
        return f"scrypt:{self.n}:{self.r}:{self.p}"

    def covers(self, other: "ScryptCost") -> bool:
        """At least as expensive as `other` in every parameter."""
        return self.n >= other.n and self.r >= other.r and self.p >= other.p


# OWASP Password Storage Cheat Sheet (scrypt): N=2^17, r=8, p=1, i.e. 128 MiB per hash. About
# 0.4 s per hash on the 2-core reference machine, paid once per sign-in (twice on a rehash).
OWASP_SCRYPT = ScryptCost(n=2**17, r=8, p=1)


def cost_of(password_hash: str) -> ScryptCost | None:
    """The scrypt parameters a stored hash was made with; None when it is not such a hash."""
    method = password_hash.split("$", 1)[0]
    name, *parameters = method.split(":")
    if name != "scrypt" or len(parameters) != 3:
        return None
    try:
        n, r, p = (int(value) for value in parameters)
    except ValueError:
        return None
    return ScryptCost(n, r, p)


def needs_rehash(password_hash: str, wanted: ScryptCost) -> bool:
    cost = cost_of(password_hash)
    return cost is None or not cost.covers(wanted)
