"""Checking an `Accesstoken` in a service other than the registrar: the registrar says who the
token stands for (GET {EDQUILL_REGISTRAR_URL}/api/auth/me), and its answer is kept a short
while, so a page's burst of calls costs one round trip.

A token the registrar refuses (401/403) is None: the caller answers 401. A registrar that
cannot answer (down, slow, 5xx) raises RegistrarUnavailable: the caller answers 503 rather
than let anyone in or turn everyone away as unauthenticated.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable


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
        return RemotePrincipal(int(school["id"]), str(answer["role"]), str(school["timezone"]),
                               str(school["currency"]), user.get("id"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RegistrarUnavailable(f"the registrar's /api/auth/me answer is not understood: "
                                   f"{exc!r}") from None


class RemoteTokenVerifier:
    """Thread-safe; one per process (the app factory builds it)."""

    # How long an accepted token's answer is reused: a revoked token keeps working in other
    # services for at most this long.
    TTL_SECONDS = 30.0
    # A refused token is remembered for less, so a token issued a moment ago is not kept out
    # long, while a flood of bad tokens still costs one registrar call per token per interval.
    REFUSED_TTL_SECONDS = 5.0
    # Tokens remembered at once, least recently used forgotten first: bounds the memory a
    # flood of made-up tokens can take.
    MAX_ENTRIES = 1024
    # A registrar slower than this counts as unavailable, rather than holding the request.
    TIMEOUT_SECONDS = 3.0

    def __init__(self, registrar_url: str, *, clock: Callable[[], float] = time.monotonic,
                 ask: Callable[[str], RemotePrincipal | None] | None = None):
        self._url = registrar_url.rstrip("/") + "/api/auth/me"
        self._clock = clock
        self._ask = ask or self._ask_registrar
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, tuple[float, RemotePrincipal | None]] = OrderedDict()
        # Calls to the registrar never go through an HTTP proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def verify(self, token: str) -> RemotePrincipal | None:
        """The token's principal, None for a token the registrar refuses."""
        key = hashlib.sha256(token.encode()).hexdigest()  # tokens are not kept in memory
        now = self._clock()
        with self._lock:
            cached = self._answers.get(key)
            if cached is not None and cached[0] > now:
                self._answers.move_to_end(key)
                return cached[1]
        principal = self._ask(token)
        ttl = self.TTL_SECONDS if principal is not None else self.REFUSED_TTL_SECONDS
        with self._lock:
            self._answers[key] = (now + ttl, principal)
            self._answers.move_to_end(key)
            while len(self._answers) > self.MAX_ENTRIES:
                self._answers.popitem(last=False)
        return principal

    def _ask_registrar(self, token: str) -> RemotePrincipal | None:
        request = urllib.request.Request(self._url, headers={
            "Accesstoken": token, "Accept": "application/json"})
        try:
            with self._opener.open(request, timeout=self.TIMEOUT_SECONDS) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                return None
            raise RegistrarUnavailable(f"the registrar answered {exc.code} about a token"
                                       ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise RegistrarUnavailable(f"the registrar did not answer about a token: {exc}"
                                       ) from None
        return principal_from_answer(answer)
