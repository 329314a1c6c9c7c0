"""GET (or PUT) a JSON answer from another EdQuill service, with the caller's Accesstoken.

The one way a service asks another: never through an HTTP proxy from the environment (the
services are ours and talk directly), always with a timeout the caller names, and every way of
not getting a usable answer raised as ServiceUnavailable, so a caller catches one thing. An
HTTP error status is the subclass ServiceRefused, with the status and the service's own
message, for callers that tell a refusal (401, 403) from an outage.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any, Mapping
from urllib.parse import urlencode


class ServiceUnavailable(ConnectionError):
    """The service did not give a usable answer (down, slow, refused, or not JSON).

    `url` is what was asked; `reason` says why, in words. A client that reads the answer
    raises it too, with the message alone, when the answer is not what it should be."""

    def __init__(self, message: str, url: str = "", reason: str | None = None):
        super().__init__(message)
        self.url, self.reason = url, message if reason is None else reason


class ServiceRefused(ServiceUnavailable):
    """The service answered with an HTTP error `status`; `error_message` is its JSON error
    shape's message (or the HTTP reason when it gave none)."""

    def __init__(
        self, message: str, url: str, status: int, error_message: str, details: dict | None = None
    ):
        super().__init__(message, url, error_message)
        self.status, self.error_message = status, error_message
        # The error shape's details (a 422's fields at fault), {} when it gave none.
        self.details = details or {}


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get_json(
    base_url: str, path: str, *, token: str, timeout: float, query: Mapping[str, Any] | None = None
) -> Any:
    """The decoded JSON answer to GET base_url + path (+ ?query)."""
    url = f"{base_url.rstrip('/')}{path}" + (f"?{urlencode(query)}" if query else "")
    request = urllib.request.Request(
        url, headers={"Accesstoken": token, "Accept": "application/json"}
    )
    return _answer(request, path, timeout)


def put_json(base_url: str, path: str, *, token: str, timeout: float, body: Any) -> Any:
    """The decoded JSON answer to PUT base_url + path with `body` as JSON: a setting changed
    in the service that owns it, on behalf of the token's holder."""
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}{path}",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={
            "Accesstoken": token,
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )
    return _answer(request, path, timeout)


def _answer(request: urllib.request.Request, path: str, timeout: float) -> Any:
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        message, details = _error_of(exc)
        raise ServiceRefused(
            f"{path} answered {exc.code}", request.full_url, exc.code, message, details
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = str(getattr(exc, "reason", exc))
        raise ServiceUnavailable(
            f"{path} did not answer: {reason}", request.full_url, reason
        ) from None


def _error_of(exc: urllib.error.HTTPError) -> tuple[str, dict]:
    """The JSON error shape's message and details (the HTTP reason when it is not that)."""
    try:
        error = json.load(exc)["error"]
        details = error.get("details")
        return str(error["message"]), details if isinstance(details, dict) else {}
    except (ValueError, KeyError, TypeError, AttributeError, OSError, http.client.HTTPException):
        return exc.reason or "no message", {}
