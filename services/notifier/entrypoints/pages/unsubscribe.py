"""The family's unsubscribe link (/unsubscribe/<token>): pages, not an API.

GET shows what the link does and a button (mail scanners follow links: a GET changes nothing).
POST records the opt-out: the button, or a mail client's one-click request (RFC 8058, body
List-Unsubscribe=One-Click). A link not signed by us is a 404 page.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext

from notifier.domain.consent import LinkFollowed
from notifier.domain.unsubscribe_links import UnsubscribeRequest, read_unsubscribe_token
from notifier.entrypoints.pages.family_page import family_page as _page
from notifier.service_layer.schools import school_name
from notifier.service_layer.unsubscribing import unsubscribe
from shared.signing import KeyRing
from shared.web import request_db

blp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")


@blp.get("/<token>")
def confirm_page(token: str) -> Response:
    wanted = _read(token)
    if wanted is None:
        return _page(404, "unsubscribe_not_recognised")
    return _page(
        200,
        "unsubscribe_confirm",
        school_id=wanted.school_id,
        school=_school_name(wanted),
        recipient=wanted.recipient,
    )


@blp.post("/<token>")
def unsubscribe_now(token: str) -> Response:
    wanted = _read(token)
    if wanted is None:
        return _page(404, "unsubscribe_not_recognised")
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    unsubscribe(
        request_db("notifier"),
        wanted,
        current_app.extensions["notifier_clock"](),
        "one-click (List-Unsubscribe-Post)" if one_click else "confirmation page",
        LinkFollowed(token, request.remote_addr),
    )
    return _page(
        200,
        "unsubscribed",
        school_id=wanted.school_id,
        school=_school_name(wanted),
        recipient=wanted.recipient,
    )


def _read(token: str) -> UnsubscribeRequest | None:
    return read_unsubscribe_token(KeyRing.of(current_app.config["EDQUILL_SETTINGS"]), token)


def _school_name(wanted: UnsubscribeRequest) -> str:
    return school_name(request_db("notifier"), wanted.school_id) or gettext("the school")
