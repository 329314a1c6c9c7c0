"""GET, POST /family and the pages a family link opens: /family/{token} (where the
application stands), POST /family/{token}/withdraw and POST /family/{token}/answer (the
family's documents and words for a request for information). Plain server-rendered pages that work
without JavaScript, in the family form's layout.

/family asks for an e-mail address and always answers with the same page (no enumeration);
its form carries a CSRF token bound to a nonce cookie, as the registration form's does
(registrar.domain.form_tokens). The withdraw form needs no cookie: its token is bound to the
link and to the registration's version the page showed, so a replayed post is refused. An
expired link is a 410 page, a tampered one (or another registration's) a 403 page; both lead
to /family for a fresh link. Token pages send no Referer and are never cached. The answer
form carries the same kind of token as the withdraw form, under a purpose of its own.

Every page is in the family's language (shared.page_language): a page a family link opens is
in the registration's language; /family and its answer in the one `?lang=` names (the links
from the other pages carry it), else the browser's, on a first visit.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timezone

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from marshmallow import ValidationError, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from registrar.adapters.document_files import DocumentFiles
from registrar.adapters.registrations_store import StaleVersion
from registrar.adapters.throttle_store import Throttled
from registrar.domain.documents import MAX_DOCUMENT_BYTES
from registrar.domain.family_answers import ANSWER_LENGTH, MOST_FILES_PER_ANSWER
from registrar.domain.form_tokens import (
    form_token,
    form_token_valid,
    link_form_token,
    link_form_token_valid,
)
from registrar.entrypoints.client_address import client_limit_key
from registrar.entrypoints.pages.board_filters import positive_int
from registrar.entrypoints.pages.page_responses import html_page
from registrar.entrypoints.views.documents.resources import MULTIPART_OVERHEAD_BYTES
from registrar.service_layer import family, family_answers
from registrar.service_layer.family_link_requests import request_family_links
from shared.errors import Conflict, InvalidInput, TooLarge, UnsupportedContent
from shared.family_links import ExpiredLink, InvalidLink
from shared.locales import LANGUAGE_NAMES
from shared.page_language import use_family_language
from shared.signing import KeyRing
from shared.web import domain_error_headers, request_db

NONCE_COOKIE = "edquill_family_nonce"
ASK_PURPOSE = "family-links"
WITHDRAW_PURPOSE = "family-withdraw"
ANSWER_PURPOSE = "family-answer"
# Token pages: the link is in the URL, so no Referer may carry it to another site.
_TOKEN_HEADERS = {"Referrer-Policy": "no-referrer"}
_EMAIL = fields.Email(required=True, validate=validate.Length(max=254))

# The pages' stylesheet is the family form's (served under /register/static/).
blp = Blueprint("family_pages", __name__, template_folder="templates")


@blp.before_request
def _allow_answer_sized_bodies():
    # Room for every file an answer may carry; each is still held to the document limit.
    if request.endpoint == "family_pages.answer":
        request.max_content_length = (
            MOST_FILES_PER_ANSWER * MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD_BYTES
        )


@blp.get("/family")
def ask():
    use_family_language(chosen=request.args.get("lang"))
    return _ask_form(errors={})


@blp.post("/family")
def send_links():
    language = use_family_language(chosen=request.form.get("lang"))
    address = (request.form.get("guardian_email") or "").strip()
    if not form_token_valid(
        _keys(), ASK_PURPOSE, request.cookies.get(NONCE_COOKIE), request.form.get("csrf_token")
    ):
        return _ask_form({}, address, status=403, problem="expired")
    try:
        _EMAIL.deserialize(address)
    except ValidationError:
        return _ask_form({"guardian_email": True}, address, status=422)
    try:
        request_family_links(request_db("registrar"), address, client_limit_key())
    except Throttled as exc:
        minutes = max(1, round(exc.retry_after / 60))
        return _ask_form(
            {},
            address,
            status=429,
            problem="throttled",
            minutes=minutes,
            headers=domain_error_headers(exc),
        )
    return redirect(url_for("family_pages.links_sent", lang=language), code=303)


@blp.get("/family/sent")
def links_sent():
    use_family_language(chosen=request.args.get("lang"))
    return html_page(render_template("family/links_sent.html", languages=LANGUAGE_NAMES))


@blp.get("/family/<token>")
def status(token: str):
    try:
        page = family.open_family_page(request_db("registrar"), _keys(), token, _now())
    except (ExpiredLink, InvalidLink) as exc:
        return _link_problem(exc)
    return _status_page(token, page)


@blp.post("/family/<token>/withdraw")
def withdraw(token: str):
    try:
        page = family.open_family_page(request_db("registrar"), _keys(), token, _now())
    except (ExpiredLink, InvalidLink) as exc:
        return _link_problem(exc)
    # The token is good for the version the page showed, and only while it is current.
    version = page["registration"]["version"]
    presented = request.form.get("form_token")
    if positive_int(request.form.get("version")) != version or not link_form_token_valid(
        _keys(), WITHDRAW_PURPOSE, token, version, presented
    ):
        return _status_page(token, page, status=403, problem="stale_form")
    try:
        family.withdraw(
            request_db("registrar"),
            _keys(),
            token,
            _now(),
            version=version,
            reason=request.form.get("reason"),
        )
    except StaleVersion:
        # Changed between the page's read and the withdrawal: show it as it is now.
        page = family.open_family_page(request_db("registrar"), _keys(), token, _now())
        return _status_page(token, page, status=409, problem="stale_form")
    except Conflict:
        return _status_page(token, page, status=409, problem="not_withdrawable")
    except (ExpiredLink, InvalidLink) as exc:
        return _link_problem(exc)
    return redirect(url_for("family_pages.status", token=token), code=303)


@blp.post("/family/<token>/answer")
def answer(token: str):
    try:
        page = family.open_family_page(request_db("registrar"), _keys(), token, _now())
    except (ExpiredLink, InvalidLink) as exc:
        return _link_problem(exc)
    version = page["registration"]["version"]
    if positive_int(request.form.get("version")) != version or not link_form_token_valid(
        _keys(), ANSWER_PURPOSE, token, version, request.form.get("answer_form_token")
    ):
        return _status_page(token, page, status=403, problem="stale_form")
    uploads = [
        family_answers.Upload(upload.stream, upload.filename)
        for upload in request.files.getlist("documents")
        if upload.filename
    ]
    try:
        family_answers.send_answer(
            request_db("registrar"),
            DocumentFiles(current_app.config["EDQUILL_SETTINGS"].documents_dir),
            _keys(),
            token,
            _now(),
            version=version,
            text=request.form.get("answer"),
            uploads=uploads,
        )
    except StaleVersion:
        page = family.open_family_page(request_db("registrar"), _keys(), token, _now())
        return _status_page(token, page, status=409, problem="stale_form")
    except Conflict:
        return _status_page(token, page, status=409, problem="not_awaiting_answer")
    except TooLarge:
        return _status_page(token, page, status=413, problem="file_too_large")
    except UnsupportedContent:
        return _status_page(token, page, status=415, problem="file_not_accepted")
    except InvalidInput:
        return _status_page(token, page, status=422, problem="answer_invalid")
    except (ExpiredLink, InvalidLink) as exc:
        return _link_problem(exc)
    return redirect(url_for("family_pages.status", token=token, answered=1), code=303)


@blp.errorhandler(RequestEntityTooLarge)
def _answer_too_large(_error):
    # The whole post is over the limit: Werkzeug refused it before any of it was read.
    token = (request.view_args or {}).get("token")
    try:
        page = family.open_family_page(request_db("registrar"), _keys(), token or "", _now())
    except (ExpiredLink, InvalidLink) as exc:
        return _link_problem(exc)
    return _status_page(token, page, status=413, problem="file_too_large")


def _status_page(token: str, page: dict, *, status: int = 200, problem: str | None = None):
    registration = page["registration"]
    use_family_language(
        chosen=registration["language"], school_default=registration["school_language"]
    )
    body = render_template(
        "family/status.html",
        page=page,
        registration=registration,
        school={"name": registration["school_name"]},
        student=f"{registration['student_first_name']} {registration['student_last_name']}",
        school_timezone=registration["school_timezone"],
        day_of=date.fromisoformat,
        time_of=time.fromisoformat,
        token=token,
        problem=problem,
        withdraw_token=link_form_token(_keys(), WITHDRAW_PURPOSE, token, registration["version"]),
        answer_token=link_form_token(_keys(), ANSWER_PURPOSE, token, registration["version"]),
        answer_length=ANSWER_LENGTH,
        most_files=MOST_FILES_PER_ANSWER,
        answered=request.args.get("answered") == "1",
    )
    return html_page(body, status, headers=_TOKEN_HEADERS)


def _link_problem(exc: Exception):
    # A link that opens nothing names no registration to take the language from.
    use_family_language()
    expired = isinstance(exc, ExpiredLink)
    body = render_template("family/link_problem.html", expired=expired)
    return html_page(body, 410 if expired else 403, headers=_TOKEN_HEADERS)


def _ask_form(errors: dict, address: str = "", *, status: int = 200, headers=None, **problem):
    nonce = request.cookies.get(NONCE_COOKIE) or secrets.token_urlsafe(32)
    body = render_template(
        "family/ask_links.html",
        errors=errors,
        address=address,
        csrf_token=form_token(_keys(), ASK_PURPOSE, nonce),
        languages=LANGUAGE_NAMES,
        **problem,
    )
    response = html_page(body, status, headers=headers)
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
        path="/family",
    )
    return response


def _keys() -> KeyRing:
    return KeyRing.of(current_app.config["EDQUILL_SETTINGS"])


def _now() -> datetime:
    # A test may set the clock the links are checked against (create_app's test_config).
    clock = current_app.config.get("EDQUILL_FAMILY_CLOCK")
    return clock() if clock else datetime.now(timezone.utc)
