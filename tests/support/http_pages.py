"""Pages of a served process over real HTTP, as a browser sees them: no redirect followed,
every Set-Cookie kept, forms posted urlencoded."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass
class PageAnswer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookie(self, name: str) -> str | None:
        """The value a Set-Cookie of this answer gives `name`, if any."""
        for header in self.headers.get_all("Set-Cookie") or ():
            jar = SimpleCookie()
            jar.load(header)
            if name in jar:
                return jar[name].value
        return None


def fetch(
    base_url: str,
    path: str,
    *,
    method: str = "GET",
    form: dict | None = None,
    cookies: dict | None = None,
    headers: dict | None = None,
) -> PageAnswer:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    sent = dict(headers or {})
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        return PageAnswer(answer.status, answer.headers, answer.read().decode())
    finally:
        connection.close()
