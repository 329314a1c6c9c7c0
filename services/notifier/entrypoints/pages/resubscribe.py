"""The confirmation link an address that unsubscribed gets when a form asks for reminders
again (/unsubscribe/resubscribe/<token>): pages, not an API.

GET shows what the link does and a button; it changes nothing (mail scanners and link
prefetchers follow links). POST is the owner's yes: it lifts the address's no, once; a replay
says so and changes nothing. A link not signed by us, or naming a confirmation that school
never asked, is a 404 page; an expired one a 410 page. Neither changes anything.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext

from notifier.adapters.clock import as_utc
from notifier.domain.confirmation_links import ConfirmationLink, read_confirmation_token
from notifier.domain.consent import LinkFollowed
from notifier.entrypoints.pages.family_page import family_page
from notifier.service_layer.resubscribing import Confirmation, confirm, confirmation_of
from notifier.service_layer.schools import school_name
from shared.signing import KeyRing
from shared.web import request_db

blp = Blueprint("resubscribe", __name__, url_prefix="/unsubscribe/resubscribe")


@blp.get("/<token>")
def confirm_page(token: str) -> Response:
    link = _read(token)
    asked = _asked(link) if link else None
    if asked is None:
        return family_page(404, "resubscribe_not_recognised")
    if asked["confirmed_at"] is not None:
        return _answer(link, asked, "resubscribe_already_confirmed")
    if as_utc(asked["expires_at"]) <= current_app.extensions["notifier_clock"]():
        return family_page(410, "resubscribe_expired", school_id=link.school_id)
    return _answer(link, asked, "resubscribe_confirm")


@blp.post("/<token>")
def confirm_now(token: str) -> Response:
    link = _read(token)
    if link is None:
        return family_page(404, "resubscribe_not_recognised")
    outcome = confirm(
        request_db("notifier"),
        link.school_id,
        link.confirmation_id,
        LinkFollowed(token, request.remote_addr),
        current_app.extensions["notifier_clock"](),
    )
    if outcome is Confirmation.UNKNOWN:
        return family_page(404, "resubscribe_not_recognised")
    if outcome is Confirmation.EXPIRED:
        return family_page(410, "resubscribe_expired", school_id=link.school_id)
    asked = _asked(link)
    if outcome is Confirmation.ALREADY_CONFIRMED:
        return _answer(link, asked, "resubscribe_already_confirmed")
    return _answer(link, asked, "resubscribed")


def _answer(link: ConfirmationLink, asked: dict, template: str) -> Response:
    return family_page(
        200,
        template,
        school_id=link.school_id,
        school=_school_name(link),
        recipient=asked["recipient"],
    )


def _read(token: str) -> ConfirmationLink | None:
    return read_confirmation_token(KeyRing.of(current_app.config["EDQUILL_SETTINGS"]), token)


def _asked(link: ConfirmationLink) -> dict | None:
    with request_db("notifier").cursor() as cursor:
        return confirmation_of(cursor, link.school_id, link.confirmation_id)


def _school_name(link: ConfirmationLink) -> str:
    return school_name(request_db("notifier"), link.school_id) or gettext("the school")
