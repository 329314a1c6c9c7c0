"""Checking an `Accesstoken` in a service other than the registrar: the registrar says who the
token stands for (GET {EDQUILL_REGISTRAR_URL}/api/auth/me), on every request.

An accepted token's answer is never reused: the token may be revoked, its account disabled or
given another role at any moment, and the next request must see it, here as in the registrar.
The check is one loopback call that reads one indexed row (a few milliseconds; measured in
docs/runbook.md, "Accounts"), cheap beside the request it guards. A refusal is final (a revoked
or expired token stays so, an unknown one stays unknown), so refusals alone are remembered,
which keeps a flood of made-up tokens from costing one registrar call each.

A token the registrar refuses (401/403) is None: the caller answers 401. A registrar that
cannot answer (down, slow, 5xx) raises RegistrarUnavailable: the caller answers 503 rather
than let anyone in or turn everyone away as unauthenticated.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from shared.service_client import ServiceRefused, ServiceUnavailable, get_json


@dataclass(frozen=True)
class RemotePrincipal:
    """Who is calling, as the registrar knows them: the token's school and role."""

    school_id: int
    role: str
    timezone: str
    currency: str
    user_id: int | None = None


class RegistrarUnavailable(ConnectionError):
    """The registrar did not give an answer about the token."""


def principal_from_answer(answer: Any) -> RemotePrincipal:
    """The principal in /api/auth/me's answer ({"school": {...}, "role", "user"})."""
    try:
        school = answer["school"]
        user = answer.get("user") or {}
        return RemotePrincipal(
            int(school["id"]),
            str(answer["role"]),
            str(school["timezone"]),
            str(school["currency"]),
            user.get("id"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RegistrarUnavailable(
            f"the registrar's /api/auth/me answer is not understood: {exc!r}"
        ) from None


class RemoteTokenVerifier:
    """Thread-safe; one per process (the app factory builds it)."""

    # How long a refusal is remembered. Refusals never turn into acceptances, so this only
    # bounds how stale the memory is; a flood of bad tokens costs one call per token per
    # interval.
    REFUSED_TTL_SECONDS = 5.0
    # Refusals remembered at once, least recently used forgotten first: bounds the memory a
    # flood of made-up tokens can take.
    MAX_ENTRIES = 1024
    # A registrar slower than this counts as unavailable, rather than holding the request.
    TIMEOUT_SECONDS = 3.0

    def __init__(
        self,
        registrar_url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        ask: Callable[[str], RemotePrincipal | None] | None = None,
    ):
        self._registrar_url = registrar_url
        self._clock = clock
        self._ask = ask or self._ask_registrar
        self._lock = threading.Lock()
        self._refusals: OrderedDict[str, float] = OrderedDict()  # token digest -> until

    def verify(self, token: str) -> RemotePrincipal | None:
        """The token's principal as the registrar says it now; None when it refuses it."""
        key = hashlib.sha256(token.encode()).hexdigest()  # tokens are not kept in memory
        now = self._clock()
        with self._lock:
            refused_until = self._refusals.get(key)
            if refused_until is not None and refused_until > now:
                self._refusals.move_to_end(key)
                return None
        principal = self._ask(token)
        if principal is None:
            self._remember_refusal(key, now + self.REFUSED_TTL_SECONDS)
        return principal

    def _remember_refusal(self, key: str, until: float) -> None:
        with self._lock:
            self._refusals[key] = until
            self._refusals.move_to_end(key)
            while len(self._refusals) > self.MAX_ENTRIES:
                self._refusals.popitem(last=False)

    def _ask_registrar(self, token: str) -> RemotePrincipal | None:
        try:
            answer = get_json(
                self._registrar_url, "/api/auth/me", token=token, timeout=self.TIMEOUT_SECONDS
            )
        except ServiceRefused as exc:
            if exc.status in (401, 403):
                return None
            raise RegistrarUnavailable(
                f"the registrar answered {exc.status} about a token"
            ) from None
        except ServiceUnavailable as exc:
            raise RegistrarUnavailable(
                f"the registrar did not answer about a token: {exc.reason}"
            ) from None
        return principal_from_answer(answer)
