"""What every HTML page of the registrar sends besides its body: security headers, and the
same short page for an error, in words.

Staff pages carry a school's data: never cached, never framed, scripts and styles from our
own origin only. The family's form is public but still framed by no one.
"""

from __future__ import annotations

from flask import make_response, render_template

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action {form_action}; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def html_page(
    body: str, status: int = 200, *, form_targets: tuple[str, ...] = (), headers: dict | None = None
):
    """An HTML answer with the pages' headers. `form_targets` are origins besides our own
    that a form on the page may lead to (sign-in redirecting to the dashboard's port)."""
    response = make_response(body, status)
    response.headers["Content-Security-Policy"] = _CSP.format(
        form_action=" ".join(("'self'", *form_targets))
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def message_page(status: int, title: str, text: str, *, link: tuple[str, str] | None = None):
    """A short staff page that says what happened and what to do (404, expired form, ...)."""
    return html_page(
        render_template("workspace/message.html", title=title, text=text, link=link), status
    )
