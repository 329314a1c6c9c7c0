"""GET, POST /autopay/{token}: the page an autopay link opens, where a guardian sets up autopay
for an invoice. Plain HTML with a form that works without JavaScript.

The signed link is the only credential. The form is protected against cross-site posts by a
CSRF token bound to a random nonce in an HttpOnly, SameSite=Strict cookie and to the link.
After a successful post the browser is sent back to the page (post/redirect/get), which then
shows that autopay is set up. The page is in the language the family chose on its registration
(shared.page_language); a link that opens nothing is answered in the browser's language.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext

from registrar.domain.autopay_links import csrf_token, csrf_valid
from registrar.entrypoints.client_address import client_address
from registrar.service_layer import autopay
from shared.errors import NotFound
from shared.family_links import ExpiredLink, InvalidLink
from shared.page_language import use_family_language
from shared.signing import KeyRing
from shared.web import request_db

NONCE_COOKIE = "edquill_autopay_nonce"
# A name of at most this many characters, as the mandates table keeps it.
SIGNER_NAME_LENGTH = 200

# An invoice that is no longer open, in the family's words.
INVOICE_STATES = {
    "draft": lazy_gettext("not issued yet"),
    "paid": lazy_gettext("paid"),
    "void": lazy_gettext("cancelled"),
}

blp = Blueprint("autopay", __name__, template_folder="templates")


@blp.get("/autopay/<token>")
def show(token: str):
    page = _open(token)
    if not isinstance(page, dict):
        return page
    return _form(token, page, errors={})


@blp.post("/autopay/<token>")
def confirm(token: str):
    keys = _keys()
    if not csrf_valid(
        keys, request.cookies.get(NONCE_COOKIE), token, request.form.get("csrf_token")
    ):
        use_family_language()
        return _message(
            403,
            gettext("This form has expired"),
            gettext("Please reload the page and confirm again."),
        )
    page = _open(token)
    if not isinstance(page, dict):
        return page
    signer_name = (request.form.get("signer_name") or "").strip()
    errors = {}
    if not signer_name or len(signer_name) > SIGNER_NAME_LENGTH:
        errors["signer_name"] = gettext("Please type your full name (at most 200 characters).")
    if request.form.get("consent") != "yes":
        errors["consent"] = gettext("Please tick the box to authorise the payments.")
    if errors:
        return _form(token, page, errors, status=422)
    try:
        autopay.accept(
            request_db("registrar"),
            keys,
            token,
            _now(),
            signer_name=signer_name,
            client_address=client_address(),
            user_agent=request.user_agent.string,
        )
    except (InvalidLink, ExpiredLink, NotFound):
        return _open(token)
    return redirect(url_for("autopay.show", token=token), code=303)


def _open(token: str):
    """The page's facts, or the answer to send instead (a bad or expired link)."""
    try:
        page = autopay.open_link(request_db("registrar"), _keys(), token, _now())
    except ExpiredLink:
        use_family_language()
        return _message(
            410,
            gettext("This link has expired"),
            gettext("Please ask the school to send you a new autopay link."),
        )
    except (InvalidLink, NotFound):
        use_family_language()
        return _message(
            404,
            gettext("This link is not valid"),
            gettext("Please check that you copied the whole link from the e-mail."),
        )
    use_family_language(chosen=page["language"])
    return page


def _form(token: str, page: dict, errors: dict, status: int = 200):
    nonce = request.cookies.get(NONCE_COOKIE) or secrets.token_urlsafe(32)
    response = make_response(
        render_template(
            "autopay/confirm.html",
            page=page,
            errors=errors,
            form=request.form,
            csrf_token=csrf_token(_keys(), nonce, token),
            invoice_state=INVOICE_STATES.get(page["status"], page["status"]),
        ),
        status,
    )
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
        path="/autopay/",
    )
    return _protected(response)


def _message(status: int, title: str, text: str):
    response = make_response(
        render_template("autopay/message.html", title=title, text=text), status
    )
    return _protected(response)


def _protected(response):
    # The token is in the URL: no Referer may carry it elsewhere, and no cache may keep it.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _keys() -> KeyRing:
    return KeyRing.of(current_app.config["EDQUILL_SETTINGS"])


def _now() -> datetime:
    return datetime.now(timezone.utc)
