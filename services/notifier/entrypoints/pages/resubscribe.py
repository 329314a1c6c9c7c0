"""The confirmation link an address that unsubscribed gets when a form asks for reminders
again (/unsubscribe/resubscribe/<token>): pages, not an API.

GET shows what the link does and a button; it changes nothing (mail scanners and link
prefetchers follow links). POST is the owner's yes: it lifts the address's no, once; a replay
says so and changes nothing. A link not signed by us, or naming a confirmation that school
never asked, is a 404 page; an expired one a 410 page. Neither changes anything.
"""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, current_app, request

from notifier.adapters.clock import as_utc
from notifier.domain.confirmation_links import ConfirmationLink, read_confirmation_token
from notifier.domain.consent import LinkFollowed
from notifier.entrypoints.pages.family_page import family_page
from notifier.service_layer.resubscribing import Confirmation, confirm, confirmation_of
from notifier.service_layer.schools import school_name
from shared.signing import KeyRing
from shared.web import request_db

blp = Blueprint("resubscribe", __name__, url_prefix="/unsubscribe/resubscribe")

NOT_RECOGNISED = (
    "<p>This confirmation link is not valid. Please use the link in the e-mail "
    "exactly as it came. Nothing was changed.</p>"
)


@blp.get("/<token>")
def confirm_page(token: str) -> Response:
    link = _read(token)
    asked = _asked(link) if link else None
    if asked is None:
        return family_page(404, "Link not recognised", NOT_RECOGNISED)
    school = escape(_school_name(link))
    if asked["confirmed_at"] is not None:
        return _already_confirmed(asked, school)
    if as_utc(asked["expires_at"]) <= current_app.extensions["notifier_clock"]():
        return _expired()
    return family_page(
        200,
        "Get reminders again?",
        f"<p>Send reminders from {school} to "
        f"<strong>{escape(asked['recipient'])}</strong> again?</p>"
        "<p>This address unsubscribed earlier; a registration form has asked "
        "for reminders since. If that was not you, close this page: nothing "
        'changes.</p><form method="post"><button type="submit">'
        "Yes, send me reminders</button></form>",
    )


@blp.post("/<token>")
def confirm_now(token: str) -> Response:
    link = _read(token)
    if link is None:
        return family_page(404, "Link not recognised", NOT_RECOGNISED)
    outcome = confirm(
        request_db("notifier"),
        link.school_id,
        link.confirmation_id,
        LinkFollowed(token, request.remote_addr),
        current_app.extensions["notifier_clock"](),
    )
    if outcome is Confirmation.UNKNOWN:
        return family_page(404, "Link not recognised", NOT_RECOGNISED)
    if outcome is Confirmation.EXPIRED:
        return _expired()
    asked = _asked(link)
    school = escape(_school_name(link))
    if outcome is Confirmation.ALREADY_CONFIRMED:
        return _already_confirmed(asked, school)
    return family_page(
        200,
        "Reminders on again",
        f"<p><strong>{escape(asked['recipient'])}</strong> will get reminders "
        f"from {school} again. Every reminder has a link to stop them.</p>",
    )


def _expired() -> Response:
    return family_page(
        410,
        "Link expired",
        "<p>This confirmation link has expired. Nothing was changed: the "
        "address stays unsubscribed. A new registration form asking for "
        "reminders sends a new link.</p>",
    )


def _already_confirmed(asked: dict, school: str) -> Response:
    return family_page(
        200,
        "Already confirmed",
        f"<p>Reminders from {school} to <strong>{escape(asked['recipient'])}"
        "</strong> were already turned on again with this link. Nothing more "
        "to do.</p>",
    )


def _read(token: str) -> ConfirmationLink | None:
    return read_confirmation_token(KeyRing.of(current_app.config["EDQUILL_SETTINGS"]), token)


def _asked(link: ConfirmationLink) -> dict | None:
    with request_db("notifier").cursor() as cursor:
        return confirmation_of(cursor, link.school_id, link.confirmation_id)


def _school_name(link: ConfirmationLink) -> str:
    return school_name(request_db("notifier"), link.school_id) or "the school"
