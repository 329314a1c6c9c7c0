"""POST /family/{token}/offers/{offer_id}/accept and .../decline: the family answering the
seat offer its status page shows (templates/family/seat_offer.html).

Like the withdraw form, the forms need no cookie: each carries a token bound to the link and
to the offer, which only the family's own page hands out. Every answer goes back to the
status page (303), with `?offer=` saying what happened when it is not the plain outcome.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from registrar.domain.form_tokens import link_form_token, link_form_token_valid
from registrar.entrypoints.pages.page_responses import html_page
from registrar.service_layer import family_seat_offers
from registrar.service_layer.assignments import ScheduleConflict
from shared.errors import Conflict, NotFound
from shared.family_links import ExpiredLink, InvalidLink
from shared.signing import KeyRing
from shared.web import request_db

SEAT_OFFER_PURPOSE = "family-seat-offer"
_TOKEN_HEADERS = {"Referrer-Policy": "no-referrer"}

blp = Blueprint("family_offers", __name__, template_folder="templates")


@blp.app_template_global()
def seat_offer_form_token(token: str, offer_id: int) -> str:
    """The token the offer's forms carry (the status page renders them)."""
    return link_form_token(_keys(), SEAT_OFFER_PURPOSE, token, offer_id)


@blp.post("/family/<token>/offers/<int:offer_id>/accept")
def accept(token: str, offer_id: int):
    return _answer(token, offer_id, family_seat_offers.accept, "accepted")


@blp.post("/family/<token>/offers/<int:offer_id>/decline")
def decline(token: str, offer_id: int):
    return _answer(token, offer_id, family_seat_offers.decline, "declined")


def _answer(token: str, offer_id: int, answer, outcome: str):
    if not link_form_token_valid(
        _keys(), SEAT_OFFER_PURPOSE, token, offer_id, request.form.get("form_token")
    ):
        return _back(token, "stale_form")
    try:
        answer(request_db("registrar"), _keys(), token, offer_id, _now())
    except (ExpiredLink, InvalidLink) as exc:
        expired = isinstance(exc, ExpiredLink)
        body = render_template("family/link_problem.html", expired=expired)
        return html_page(body, 410 if expired else 403, headers=_TOKEN_HEADERS)
    except ScheduleConflict:
        # The child sits in a class at the same time (or the class is full after all).
        return _back(token, "clash")
    except (Conflict, NotFound):
        # Taken, answered or lapsed meanwhile, or the child cannot sit there after all.
        return _back(token, "closed")
    return _back(token, outcome)


def _back(token: str, outcome: str):
    return redirect(url_for("family_pages.status", token=token, offer=outcome), code=303)


def _keys() -> KeyRing:
    return KeyRing.of(current_app.config["EDQUILL_SETTINGS"])


def _now() -> datetime:
    # The family pages' clock, which a test may set (create_app's test_config).
    clock = current_app.config.get("EDQUILL_FAMILY_CLOCK")
    return clock() if clock else datetime.now(timezone.utc)
