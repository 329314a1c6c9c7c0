"""GET a JSON answer from another EdQuill service with the caller's Accesstoken."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode


class ServiceUnavailable(ConnectionError):
    """The service did not give a usable answer (down, slow, refused, or not JSON)."""


# Calls to other services never go through an HTTP proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get_json(base_url: str, path: str, query: dict, token: str, timeout: float) -> Any:
    url = f"{base_url.rstrip('/')}{path}?{urlencode(query)}"
    request = urllib.request.Request(url, headers={"Accesstoken": token,
                                                   "Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise ServiceUnavailable(f"{path} answered {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ServiceUnavailable(f"{path} did not answer: {exc}") from None
