"""GET, POST /register/{slug}: the family's self-registration form, the public page a school
links from its website. Short, mobile-first, accessible, and it works without JavaScript.

The post goes through the public API's own schema (SelfRegistrationSchema) and submission
logic (registrar.service_layer.submissions.submit_public, its throttle and de-duplication
included), so the page accepts exactly what the API accepts. Field errors are shown next to
their fields (aria-describedby) and listed at the top; a sent form leads to a page that says
what happens next (post/redirect/get). CSRF: a token bound to a nonce in an HttpOnly,
SameSite=Strict cookie (registrar.domain.form_tokens). An unknown school is a friendly 404
page. The page is in the family's language (shared.page_language): `?lang=` from its language
links, the form's `language` answer once posted (kept on the registration for every later
e-mail), else the browser's Accept-Language, else the school's default.
"""

from __future__ import annotations

import secrets

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext, ngettext
from marshmallow import ValidationError

from registrar.adapters import classes_store
from registrar.adapters.schools_store import school_by_slug
from registrar.adapters.throttle_store import Throttled
from registrar.domain.form_tokens import form_token, form_token_valid
from registrar.entrypoints.client_address import client_limit_key
from registrar.entrypoints.pages.assets import AssetBlueprint
from registrar.entrypoints.pages.page_responses import html_page
from registrar.entrypoints.views.public_registrations.schemas import SelfRegistrationSchema
from registrar.service_layer.submissions import submit_public
from shared.errors import NotFound
from shared.locales import LANGUAGE_NAMES
from shared.page_language import use_family_language
from shared.signing import KeyRing
from shared.web import domain_error_headers, request_db

NONCE_COOKIE = "edquill_register_nonce"
FORM_PURPOSE = "self-registration"

# What the form asks, in order; every name is a field of the public API.
TEXT_FIELDS = (
    "student_first_name",
    "student_last_name",
    "date_of_birth",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "program",
    "class_preferences",
    "notes",
    "source",
)
CONSENTS = ("consent_email", "consent_sms")
# Campaign tags a school's links may carry (?utm_source=...), kept with the registration.
CAMPAIGN_FIELDS = ("utm_source", "utm_medium", "utm_campaign")
# The utm_* columns are VARCHAR(120): a campaign value from a link is cut to fit.
CAMPAIGN_VALUE_LENGTH = 120

# The answer kept is the English one (the school's reports group by it); the family reads
# its translation.
HOW_HEARD = (
    ("School website", lazy_gettext("School website")),
    ("A friend or family member", lazy_gettext("A friend or family member")),
    ("Social media", lazy_gettext("Social media")),
    ("Search engine", lazy_gettext("Search engine")),
    ("Flyer or poster", lazy_gettext("Flyer or poster")),
    ("Open day", lazy_gettext("Open day")),
    ("Other", lazy_gettext("Other")),
)

# What the schema says, as a family would like to read it.
_FRIENDLY = {
    "student_first_name": lazy_gettext("Please enter the student's first name."),
    "student_last_name": lazy_gettext("Please enter the student's last name."),
    "guardian_email": lazy_gettext("Please enter an e-mail address, like name@example.com."),
    "guardian_phone": lazy_gettext(
        "Please enter a phone number with 6 to 20 digits, like +1 555 010 0199."
    ),
    "date_of_birth": lazy_gettext("Please enter a real date of birth, not in the future."),
}
# Anything else the schema refuses (a text too long, a language not offered).
_CHECK_ANSWER = lazy_gettext("Please check this answer.")

blp = AssetBlueprint(
    "family_form",
    __name__,
    template_folder="templates",
    static_folder="static/family",
    static_url_path="/register/static",
)


@blp.get("/register/<slug>")
def show(slug: str):
    school = _school(slug)
    values = {name: request.args.get(name, "")[:CAMPAIGN_VALUE_LENGTH] for name in CAMPAIGN_FIELDS}
    use_family_language(chosen=request.args.get("lang"), school_default=school.default_language)
    return _form(school, values, errors={})


@blp.post("/register/<slug>")
def submit(slug: str):
    school = _school(slug)
    values = {name: (request.form.get(name) or "") for name in TEXT_FIELDS + CAMPAIGN_FIELDS}
    values.update({name: request.form.get(name) == "yes" for name in CONSENTS})
    values["language"] = use_family_language(
        chosen=request.form.get("language"), school_default=school.default_language
    )
    if not form_token_valid(
        _keys(), FORM_PURPOSE, request.cookies.get(NONCE_COOKIE), request.form.get("csrf_token")
    ):
        return _form(
            school,
            values,
            errors={},
            status=403,
            problem=gettext(
                "This page had been open for a while, so for your security the form was not "
                "sent. Please check your answers and press “Send registration” again."
            ),
        )
    try:
        submission = SelfRegistrationSchema().load(_submission(values))
    except ValidationError as exc:
        return _form(school, values, errors=_friendly(exc.messages), status=422)
    try:
        submit_public(request_db("registrar"), slug, submission, client_limit_key())
    except Throttled as exc:
        minutes = max(1, round(exc.details["retry_after"] / 60))
        return _form(
            school,
            values,
            errors={},
            status=429,
            headers=domain_error_headers(exc),
            problem=ngettext(
                "Many registrations were sent from this connection in a short time, so this "
                "one was not sent. Please try again in %(num)d minute.",
                "Many registrations were sent from this connection in a short time, so this "
                "one was not sent. Please try again in %(num)d minutes.",
                minutes,
            ),
        )
    return redirect(url_for("family_form.received", slug=slug, lang=values["language"]), code=303)


@blp.get("/register/<slug>/received")
def received(slug: str):
    school = _school(slug)
    use_family_language(chosen=request.args.get("lang"), school_default=school.default_language)
    return html_page(render_template("family/received.html", school=school))


@blp.errorhandler(NotFound)
def _unknown_school(_error):
    use_family_language(chosen=request.args.get("lang"))
    return html_page(render_template("family/not_found.html"), 404)


def _school(slug: str):
    school = school_by_slug(request_db("registrar"), slug)
    if school is None:
        raise NotFound("school")
    return school


def _submission(values: dict) -> dict:
    """The form's answers as the API's body: blank optional answers left out."""
    body = {name: value for name, value in values.items() if name not in CONSENTS and value.strip()}
    for required in ("student_first_name", "student_last_name", "guardian_email"):
        body.setdefault(required, "")
    body.update({name: values[name] for name in CONSENTS})
    return body


def _friendly(messages: dict) -> dict[str, str]:
    errors = {}
    for field, problems in messages.items():
        text = " ".join(problems) if isinstance(problems, list) else str(problems)
        if field == "guardian_phone" and "phone number is needed" in text:
            errors[field] = gettext(
                "Please enter a phone number, or untick “text messages”: a number "
                "is needed to send texts to."
            )
        else:
            errors[field] = str(_FRIENDLY.get(field, _CHECK_ANSWER))
    return errors


def _form(
    school,
    values: dict,
    errors: dict,
    *,
    status: int = 200,
    problem: str | None = None,
    headers: dict | None = None,
):
    nonce = request.cookies.get(NONCE_COOKIE) or secrets.token_urlsafe(32)
    with request_db("registrar").cursor() as cursor:
        programs = classes_store.programs_offered(cursor, school.id)
    response = html_page(
        render_template(
            "family/form.html",
            school=school,
            values=values,
            errors=errors,
            problem=problem,
            programs=programs,
            how_heard=HOW_HEARD,
            languages=LANGUAGE_NAMES,
            csrf_token=form_token(_keys(), FORM_PURPOSE, nonce),
        ),
        status,
        headers=headers,
    )
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
        path="/register/",
    )
    return response


def _keys() -> KeyRing:
    return KeyRing.of(current_app.config["EDQUILL_SETTINGS"])
