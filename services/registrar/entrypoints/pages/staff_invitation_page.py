"""GET, POST /staff/invitation/{token}: the page an invitation e-mail's link opens, where the
invited colleague sets the password of their new account (twice, by the rules every password
follows), and is then sent to /login to sign in with it.

Public: the signed link is the only credential (shared.staff_invitation_links). Its form
needs no cookie: the token is bound to the link and the invitation it names
(registrar.domain.form_tokens), as a family page's forms are. A tampered link is a 403 page;
an expired, used, replaced or cancelled invitation a 410 page that says which and what to
do; nothing is changed by either. Token pages send no Referer and are never cached.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request

from registrar.adapters.users_store import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    InvalidAccount,
    check_password,
)
from registrar.domain.form_tokens import link_form_token, link_form_token_valid
from registrar.domain.staff_invitations import InvitationClosed
from registrar.entrypoints.invitation_clock import invitation_now
from registrar.entrypoints.pages.page_responses import html_page
from registrar.service_layer import staff_invitations
from registrar.service_layer.accounts import EmailTaken
from shared.family_links import ExpiredLink, InvalidLink
from shared.signing import KeyRing
from shared.staff_invitation_links import PATH_PREFIX
from shared.web import request_db

FORM_PURPOSE = "staff-invitation"
AFTER_ACCEPTING = "/login?invited=1"
# The link is in the URL: no Referer may carry it to another site.
_TOKEN_HEADERS = {"Referrer-Policy": "no-referrer"}
# Why a valid link opens nothing, in words: (title, text), each a 410 page.
_CLOSED = {
    "expired": (
        "This invitation has expired",
        "Invitations work for three days. Ask an admin of your school to invite you again.",
    ),
    "accepted": (
        "This invitation was used already",
        "Its password is set: sign in with it. If that was not you, tell an admin of your "
        "school now.",
    ),
    "replaced": (
        "A newer invitation was sent",
        "Only the newest invitation works: open the link in the most recent e-mail.",
    ),
    "cancelled": (
        "This invitation was cancelled",
        "Ask an admin of your school if you should still join.",
    ),
}

blp = Blueprint("staff_invitation_page", __name__, template_folder="templates")


@blp.get(f"{PATH_PREFIX}<token>")
def show(token: str):
    try:
        invitation = staff_invitations.open_invitation(_db(), _keys(), token, invitation_now())
    except (InvalidLink, ExpiredLink, InvitationClosed) as exc:
        return _link_problem(exc)
    return _form(token, invitation)


@blp.post(f"{PATH_PREFIX}<token>")
def set_password(token: str):
    try:
        invitation = staff_invitations.open_invitation(_db(), _keys(), token, invitation_now())
    except (InvalidLink, ExpiredLink, InvitationClosed) as exc:
        return _link_problem(exc)
    if not link_form_token_valid(
        _keys(), FORM_PURPOSE, token, invitation["id"], request.form.get("form_token")
    ):
        return _form(token, invitation, status=403, error="This form had expired: try again.")
    password = request.form.get("password") or ""
    problem = _password_problem(password, request.form.get("password_again") or "")
    if problem:
        return _form(token, invitation, status=422, error=problem)
    try:
        staff_invitations.accept(_db(), _keys(), token, invitation_now(), password)
    except (InvalidLink, ExpiredLink, InvitationClosed) as exc:
        return _link_problem(exc)  # used or replaced between the page's read and this post
    except EmailTaken:
        return _message(
            409,
            "This address has an account already",
            "Sign in with it, or ask an admin of your school for help.",
        )
    return redirect(AFTER_ACCEPTING, code=303)


def _password_problem(password: str, again: str) -> str | None:
    try:
        check_password(password)
    except InvalidAccount:
        return f"The password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters."
    if password != again:
        return "The two passwords are not the same: type it twice alike."
    return None


def _form(token: str, invitation: dict, *, status: int = 200, error: str | None = None):
    body = render_template(
        "staff/invitation.html",
        invitation=invitation,
        form_token=link_form_token(_keys(), FORM_PURPOSE, token, invitation["id"]),
        action=f"{PATH_PREFIX}{token}",
        error=error,
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
    )
    return html_page(body, status, headers=_TOKEN_HEADERS)


def _link_problem(exc: Exception):
    if isinstance(exc, InvalidLink):
        return _message(
            403,
            "This link does not work",
            "It may have been cut short or changed on the way. Open it again from the "
            "invitation e-mail, or ask an admin of your school to invite you again.",
        )
    reason = exc.reason if isinstance(exc, InvitationClosed) else "expired"
    title, text = _CLOSED[reason]
    return _message(410, title, text)


def _message(status: int, title: str, text: str):
    body = render_template(
        "workspace/message.html", title=title, text=text, link=("/login", "Go to the sign-in")
    )
    return html_page(body, status, headers=_TOKEN_HEADERS)


def _db():
    return request_db("registrar")


def _keys() -> KeyRing:
    return KeyRing.of(current_app.config["EDQUILL_SETTINGS"])
