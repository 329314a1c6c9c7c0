"""What every dashboard page answer carries (no caching, a Content-Security-Policy without
scripts), and the one-message page."""

from __future__ import annotations

from flask import make_response, render_template

from dashboard.entrypoints import request_context
from shared.staff_links import origin_of

# The page is one person's school data: never kept by a browser or a proxy. No script runs;
# styles are inline; forms post here or to the registrar's /logout.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def message_page(status: int, title: str, text: str):
    """A page with one message (refused form, registrar down), in the dashboard's frame."""
    links = request_context.links()
    html = render_template("dashboard/message.html", title=title, text=text, links=links)
    return with_page_headers(make_response(html, status), links)


def with_page_headers(response, links):
    """No caching, no framing, no script; forms may post here and to the sign-out's origin."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    form_targets = " ".join(dict.fromkeys(["'self'", origin_of(links.sign_out()) or "'self'"]))
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"form-action {form_targets}; frame-ancestors 'none'; base-uri 'none'"
    )
    return response
