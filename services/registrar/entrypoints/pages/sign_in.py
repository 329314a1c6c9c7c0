"""GET, POST /login and POST /logout: staff sign-in for every page of the system (the
registrar workspace and the dashboard), with e-mail and password.

Signing in goes through registrar.service_layer.sign_in (its lockout and throttling
included); success puts the new token in the session cookie (shared.sessions) and sends the
browser to `next` when registrar.domain.redirects accepts it, else to the workspace. The
form is protected against login CSRF (another site signing a visitor in to its own account)
by a token bound to a nonce in an HttpOnly, SameSite=Strict cookie. Signing out revokes the
token and clears the cookie.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request

from registrar.adapters.throttle_store import Throttled
from registrar.adapters.tokens_store import revoke_token
from registrar.domain.form_tokens import form_token, form_token_valid
from registrar.domain.redirects import safe_next
from registrar.entrypoints.client_address import client_limit_key
from registrar.entrypoints.pages.page_responses import html_page, message_page
from registrar.entrypoints.pages.staff_session import csrf_checked, staff_session
from registrar.service_layer import sign_in as staff_sign_in
from shared.sessions import clear_session_cookie, set_session_cookie
from shared.signing import KeyRing
from shared.web import domain_error_headers, request_db

NONCE_COOKIE = "edquill_login_nonce"
FORM_PURPOSE = "sign-in"
AFTER_SIGN_IN = "/admin/registrar"
# As the accounts table keeps them (users.MAX_PASSWORD_LENGTH for passwords).
EMAIL_LENGTH, PASSWORD_LENGTH = 254, 1024

blp = Blueprint("sign_in_page", __name__, template_folder="templates")


@blp.get("/login")
def show_sign_in():
    target = _next_target(request.args.get("next"))
    if staff_session() is not None:
        return redirect(target or AFTER_SIGN_IN, code=303)
    notice = (
        "You have signed out."
        if request.args.get("signed_out") == "1"
        else "Your password is set: sign in with it."
        if request.args.get("invited") == "1"
        else None
    )
    return _form(target, notice=notice)


@blp.post("/login")
def submit_sign_in():
    target = _next_target(request.form.get("next"))
    if not form_token_valid(
        _keys(), FORM_PURPOSE, request.cookies.get(NONCE_COOKIE), request.form.get("csrf_token")
    ):
        return _form(
            target, error="This sign-in form had expired. Please sign in again.", status=403
        )
    email = (request.form.get("email") or "").strip()[:EMAIL_LENGTH]
    password = (request.form.get("password") or "")[:PASSWORD_LENGTH]
    fields = {
        name: message
        for name, message in (
            ("email", "Please enter your e-mail address." if not email else None),
            ("password", "Please enter your password." if not password else None),
        )
        if message
    }
    if fields:
        return _form(
            target,
            email=email,
            fields=fields,
            status=422,
            error="Please enter your e-mail address and your password.",
        )
    try:
        token = staff_sign_in.sign_in(request_db("registrar"), email, password, client_limit_key())
    except staff_sign_in.InvalidCredentials:
        return _form(
            target, email=email, status=401, error="The e-mail address or the password is wrong."
        )
    except Throttled as exc:
        minutes = max(1, round(exc.details["retry_after"] / 60))
        return _form(
            target,
            email=email,
            status=429,
            headers=domain_error_headers(exc),
            error=f"Too many failed sign-ins. For your safety, signing in is paused: "
            f"please try again in {minutes} minute{'s' if minutes != 1 else ''}.",
        )
    response = redirect(target or AFTER_SIGN_IN, code=303)
    set_session_cookie(response, token, secure=request.is_secure)
    response.delete_cookie(NONCE_COOKIE, path="/login", secure=request.is_secure)
    return response


@blp.post("/logout")
def sign_out():
    session = staff_session()
    if session is None:
        return redirect("/login", code=303)
    if not csrf_checked(session):
        return message_page(
            403,
            "This page had expired",
            "You are still signed in. Go back, reload the page and sign out again.",
            link=("/admin/registrar", "Back to the registrar"),
        )
    revoke_token(request_db("registrar"), session.principal.school_id, session.principal.token_id)
    response = redirect("/login?signed_out=1", code=303)
    clear_session_cookie(response, secure=request.is_secure)
    return response


def _form(
    target: str | None,
    *,
    email: str = "",
    error: str | None = None,
    notice: str | None = None,
    fields: dict | None = None,
    status: int = 200,
    headers: dict | None = None,
):
    nonce = request.cookies.get(NONCE_COOKIE) or secrets.token_urlsafe(32)
    response = html_page(
        render_template(
            "sign_in/form.html",
            next=target,
            email=email,
            error=error,
            notice=notice,
            fields=fields or {},
            csrf_token=form_token(_keys(), FORM_PURPOSE, nonce),
        ),
        status,
        form_targets=_origin_of(target),
        headers=headers,
    )
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
        path="/login",
    )
    return response


def _next_target(value: str | None) -> str | None:
    settings = current_app.config["EDQUILL_SETTINGS"]
    # The public address only: the services' own URLs are for calls between them, never a
    # place to send a browser.
    return safe_next(
        value,
        request_host=request.host,
        known_ports=settings.ports.values(),
        trusted_origins=(settings.public_url,),
    )


def _origin_of(target: str | None) -> tuple[str, ...]:
    """The redirect after sign-in is part of the form's submission: a target on another
    origin must be allowed by the page's form-action."""
    parts = urlsplit(target or "")
    return (f"{parts.scheme}://{parts.netloc}",) if parts.netloc else ()


def _keys() -> KeyRing:
    return KeyRing.of(current_app.config["EDQUILL_SETTINGS"])
