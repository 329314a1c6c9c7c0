"""Driving the registrar's HTML pages with Flask's test client: the hidden CSRF field of a
page, and a staff member signed in through /login as a browser would be."""

from __future__ import annotations

import re

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_field(html: str) -> str:
    found = _CSRF_FIELD.search(html)
    assert found, "the page has no csrf_token field"
    return found.group(1)


def sign_in_with_form(
    client, email: str, password: str, *, address: str, next_page: str | None = None
):
    """GET /login then POST it, as a browser does; returns the POST's answer."""
    query = f"?next={next_page}" if next_page else ""
    form = client.get(f"/login{query}", headers={"X-Forwarded-For": address})
    data = {"email": email, "password": password, "csrf_token": csrf_field(form.text)}
    if next_page:
        data["next"] = next_page
    return client.post("/login", data=data, headers={"X-Forwarded-For": address})
