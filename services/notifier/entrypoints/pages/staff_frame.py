"""The frame of the notifier's staff page (/admin/messages): who may open it, where its links
point, and what every answer carries.

Signed in as the dashboard's page is (shared.staff_pages: the registrar's session cookie,
vouched for by the registrar): no valid session is a 303 to /login, the registrar not
answering a 503 page. Every post must carry the session's CSRF token (403 page otherwise), and
only an admin gets past (a registrar or viewer: the 403 page), checked here on the server.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, make_response, redirect, render_template, request

from shared.config import Settings
from shared.staff_links import StaffLinks, origin_of
from shared.staff_pages import Caller, posted_csrf_valid, session_caller
from shared.web import ApiError

MESSAGES_PATH = "/admin/messages"
WHAT_EACH_ROLE_DOES = (
    "A viewer sees and exports; a registrar also works registrations and classes; an admin "
    "also runs staff, messages and settings."
)
# The page is one school's data: never kept by a browser or a proxy, never framed. No
# script runs; the stylesheet is the registrar's (one look for every staff page).
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class Links(StaffLinks):
    HOME = MESSAGES_PATH


def links() -> Links:
    settings: Settings = current_app.config["EDQUILL_SETTINGS"]
    return Links.for_request(
        "X-Forwarded-Host" in request.headers, settings.public_url, request.host_url
    )


def caller() -> Caller:
    """The signed-in admin of this request (a view behind `admin_page`)."""
    return g.messages_caller


def admin_page(view):
    """A page or form for a school's admins; a post must carry its CSRF token."""

    @wraps(view)
    def guarded(*args, **kwargs):
        try:
            signed_in = session_caller()
        except ApiError as exc:
            if exc.status != 503:
                raise
            return message_page(
                503,
                "Sign-in cannot be checked right now",
                "The registrar service is not answering. Please try again in a minute.",
            )
        if signed_in is None:
            back_to = request.full_path.rstrip("?") if request.method == "GET" else None
            return with_page_headers(redirect(links().sign_in(back_to), code=303))
        if request.method == "POST" and not posted_csrf_valid(signed_in):
            return message_page(
                403, "This page had expired", "Nothing was changed. Reload the page and try again."
            )
        if not signed_in.is_admin:
            return message_page(
                403,
                "This page is for the admin role",
                f"You are signed in as a {signed_in.principal.role}. {WHAT_EACH_ROLE_DOES}",
            )
        g.messages_caller = signed_in
        return view(*args, **kwargs)

    return guarded


def html_page(template: str, status: int = 200, **context):
    body = render_template(template, links=links(), **context)
    return with_page_headers(make_response(body, status))


def message_page(status: int, title: str, text: str):
    """A short page that says what happened and what to do (expired form, wrong role)."""
    return html_page("messages/message.html", status, title=title, text=text)


def with_page_headers(response):
    """No caching, no framing, no script; styles and forms from here and the workspace's
    origin (the registrar's stylesheet and /logout, on another port without the gateway)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    workspace = origin_of(links().sign_out())
    others = " ".join(dict.fromkeys(["'self'", *([workspace] if workspace else [])]))
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {others}; img-src data:; form-action {others}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return response
