"""The running system over HTTP, as a registrar's scripts reach it: through the gateway (one
base address for every path) or each service on its own address."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Mapping

from acceptance.bounds import HEALTH_TIMEOUT_S, REQUEST_TIMEOUT_S
from shared.config import Settings
from shared.service_client import ServiceUnavailable, get_json

SERVICES = ("registrar", "dashboard", "kpi", "notifier")

# Never through an HTTP proxy from the environment, like every call between the services.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def service_urls(settings: Settings) -> dict[str, str]:
    """Where each service listens, from the same settings the services read."""
    return {
        "registrar": settings.registrar_url,
        "dashboard": f"http://127.0.0.1:{settings.ports['dashboard']}",
        "kpi": settings.kpi_url,
        "notifier": settings.notifier_url,
    }


@dataclass(frozen=True)
class SystemHttp:
    services: Mapping[str, str]  # each service's own address, for /healthz
    gateway: str | None  # every API path through it, when given
    token: str = ""

    def with_token(self, token: str) -> "SystemHttp":
        return SystemHttp(self.services, self.gateway, token)

    def base(self, service: str) -> str:
        return self.gateway or self.services[service]

    def healthy(self, url: str) -> tuple[bool, float]:
        """Whether GET url/healthz answers 200, and how long it took."""
        started = time.monotonic()
        try:
            with _OPENER.open(f"{url.rstrip('/')}/healthz", timeout=HEALTH_TIMEOUT_S) as answer:
                ok = answer.status == 200
        except (urllib.error.URLError, OSError):
            ok = False
        return ok, time.monotonic() - started

    def get(self, service: str, path: str, query: Mapping[str, Any] | None = None) -> Any:
        return get_json(
            self.base(service), path, token=self.token, timeout=REQUEST_TIMEOUT_S, query=query
        )

    def timed_get(self, service: str, path: str, query: Mapping[str, Any] | None = None) -> float:
        started = time.monotonic()
        self.get(service, path, query)
        return time.monotonic() - started

    def post(self, service: str, path: str, body: Mapping[str, Any]) -> tuple[int, Any]:
        """POST a JSON body; returns the status and the decoded answer (errors included)."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Accesstoken"] = self.token
        request = urllib.request.Request(
            f"{self.base(service).rstrip('/')}{path}",
            data=json.dumps(body).encode(),
            headers=headers,
            method="POST",
        )
        try:
            with _OPENER.open(request, timeout=REQUEST_TIMEOUT_S) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as exc:
            return exc.code, _error_body(exc)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ServiceUnavailable(f"POST {path} did not answer: {exc}") from None


def _error_body(exc: urllib.error.HTTPError) -> Any:
    try:
        return json.load(exc)
    except ValueError:
        return None
