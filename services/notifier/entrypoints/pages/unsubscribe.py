"""The family's unsubscribe link (/unsubscribe/<token>): pages, not an API.

GET shows what the link does and a button (mail scanners follow links: a GET changes nothing).
POST records the opt-out: the button, or a mail client's one-click request (RFC 8058, body
List-Unsubscribe=One-Click). A link not signed by us is a 404 page.
"""

from __future__ import annotations

from html import escape

from flask import Blueprint, Response, current_app, request

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
        return _page(
            404,
            "Link not recognised",
            "<p>This unsubscribe link is not valid. Please use the link in the e-mail "
            "exactly as it came.</p>",
        )
    school = _school_name(wanted)
    return _page(
        200,
        "Stop reminders?",
        f"<p>Stop reminders and news from {escape(school)} to "
        f"<strong>{escape(wanted.recipient)}</strong>?</p>"
        "<p>Messages about your registration itself (requests for information, "
        "approval, receipts) still come.</p>"
        f'<form method="post"><button type="submit">Unsubscribe</button></form>',
    )


@blp.post("/<token>")
def unsubscribe_now(token: str) -> Response:
    wanted = _read(token)
    if wanted is None:
        return _page(404, "Link not recognised", "<p>This unsubscribe link is not valid.</p>")
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
        "Unsubscribed",
        f"<p><strong>{escape(wanted.recipient)}</strong> will get no more reminders "
        f"or news from {escape(_school_name(wanted))}.</p>",
    )


def _read(token: str) -> UnsubscribeRequest | None:
    return read_unsubscribe_token(KeyRing.of(current_app.config["EDQUILL_SETTINGS"]), token)


def _school_name(wanted: UnsubscribeRequest) -> str:
    return school_name(request_db("notifier"), wanted.school_id) or "the school"
