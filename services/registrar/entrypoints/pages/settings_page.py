"""/admin/settings: one page for the school's settings, wherever each lives. Admins only.

The registrar's own (the school's name, time zone, currency and language, how long a seat
offer holds, the feature flags) are saved here through the API's use cases; the notifier's
family-link lifetime and the dashboard's rail targets are read and saved in those services
(settings_remote_forms.py), with the admin's own token. A service that does not answer shows
its section as unavailable; the rest of the page works.

A new time zone is not saved at once: the form's answer says what it changes and asks for an
explicit confirmation. Every save redirects back with a confirmation (post/redirect/get); a
refusal renders the page again with the reason next to the field and what was typed kept.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, redirect, render_template, request

from registrar.adapters import flags_store
from registrar.adapters.remote_settings_client import (
    SettingsUnavailable,
    dashboard_targets,
    notice_settings,
)
from registrar.adapters.users_store import actor_for
from registrar.domain.school_settings import MAX_HOLD_HOURS, MIN_HOLD_HOURS, SchoolSettings
from registrar.entrypoints.pages import settings_wording, wording
from registrar.entrypoints.pages.page_responses import html_page, message_page
from registrar.entrypoints.pages.page_roles import page_for
from registrar.entrypoints.pages.posted_form import validated
from registrar.entrypoints.pages.staff_session import staff_session
from registrar.entrypoints.pages.workspace import dashboard_url
from registrar.entrypoints.views.school.schemas import SchoolSettingsSchema
from registrar.service_layer import flags, school_settings
from shared.errors import DomainError, InvalidInput, NotFound
from shared.locales import LANGUAGE_NAMES, SUPPORTED_LANGUAGES
from shared.roles import ADMIN
from shared.web import request_db

SETTINGS = "/admin/settings"
SCHOOL_FIELDS = ("name", "timezone", "currency", "default_language")

blp = Blueprint("settings_page", __name__, template_folder="templates")


@blp.get(SETTINGS)
@page_for(ADMIN)
def settings_page():
    return render_settings(notice=settings_wording.done_notice(request.args.get("done", "")))


@blp.post(f"{SETTINGS}/school")
@page_for(ADMIN)
def save_school():
    typed = {name: request.form.get(name, "").strip() for name in SCHOOL_FIELDS}
    current = _current()
    try:
        chosen = _chosen({**asdict(current), **typed})
    except InvalidInput as exc:
        return refused("school", exc.details.get("fields", {}), typed)
    if chosen.timezone != current.timezone and request.form.get("confirm_timezone") != "yes":
        return _confirm_time_zone(current, chosen)
    _save(chosen)
    done = "timezone" if chosen.timezone != current.timezone else "school"
    return redirect(f"{SETTINGS}?done={done}", code=303)


@blp.post(f"{SETTINGS}/seat-offers")
@page_for(ADMIN)
def save_seat_offers():
    typed = {"seat_offer_hours": request.form.get("seat_offer_hours", "").strip()}
    hours = typed["seat_offer_hours"]
    try:
        chosen = _chosen(
            {**asdict(_current()), "seat_offer_hours": int(hours) if hours.isdigit() else hours}
        )
    except InvalidInput as exc:
        return refused("seat_offers", exc.details.get("fields", {}), typed)
    _save(chosen)
    return redirect(f"{SETTINGS}?done=seat_offers", code=303)


@blp.post(f"{SETTINGS}/flags/<key>")
@page_for(ADMIN)
def save_flag(key: str):
    flags.set_flag(  # an unknown key is the API's 404, as a page
        _db(), _school_id(), key, request.form.get("enabled") == "yes", _actor()
    )
    return redirect(f"{SETTINGS}?done=flag", code=303)


def render_settings(*, notice=None, form=None, errors=None, typed=None, status=200):
    """The page; `form` names the form whose `errors` (field -> sentence) and `typed` values
    are shown again."""
    session = staff_session()
    settings = current_app.config["EDQUILL_SETTINGS"]
    body = render_template(
        "settings/page.html",
        session=session,
        current="settings",
        dashboard_url=dashboard_url(),
        school=_current(),
        languages=[(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LANGUAGES],
        hold_limits=(MIN_HOLD_HOURS, MAX_HOLD_HOURS),
        flags=flags_store.flags_for(_db(), _school_id()),
        notices=_remote_section(notice_settings, settings.notifier_url, "notifier"),
        targets=_remote_section(dashboard_targets, settings.dashboard_url, "dashboard"),
        notice=notice,
        form=form,
        errors=errors or {},
        typed=typed or {},
        wording=settings_wording,
    )
    return html_page(body, status)


def refused(form: str, fields: dict, typed: dict, status: int = 422):
    """The page again, the form's fields at fault named in words, what was typed kept."""
    errors = wording.field_errors({"fields": fields})
    text = "Nothing was saved: " + " ".join(
        f"{settings_wording.field_label(name)}: {message}" for name, message in errors.items()
    )
    return render_settings(
        notice={"kind": "error", "text": text},
        form=form,
        errors=errors,
        typed=typed,
        status=status,
    )


def _confirm_time_zone(current: SchoolSettings, chosen: SchoolSettings):
    session = staff_session()
    body = render_template(
        "settings/confirm_timezone.html",
        session=session,
        current="settings",
        dashboard_url=dashboard_url(),
        before=current,
        chosen=chosen,
        school_fields=SCHOOL_FIELDS,
        consequence=settings_wording.time_zone_consequence(chosen.timezone),
    )
    return html_page(body)


def _remote_section(read, base_url: str, service: str) -> dict:
    """{"values": what the service answered} or {"error": why the section is unavailable}."""
    try:
        return {"values": read(base_url, staff_session().token), "error": None}
    except SettingsUnavailable as exc:
        return {"values": None, "error": settings_wording.unavailable(service, str(exc))}


def _chosen(values: dict) -> SchoolSettings:
    return SchoolSettings(**validated(SchoolSettingsSchema(), values))


def _save(chosen: SchoolSettings) -> None:
    school_settings.change_school_settings(_db(), _school_id(), chosen, _actor())


def _current() -> SchoolSettings:
    return school_settings.school_settings(_db(), _school_id())


def _db():
    return request_db("registrar")


def _school_id() -> int:
    return staff_session().principal.school_id


def _actor() -> str:
    return actor_for(_db(), staff_session().principal)


@blp.errorhandler(DomainError)
def _not_found(error: DomainError):
    if isinstance(error, NotFound):
        return message_page(
            404, "Not found", "There is no such setting.", link=(SETTINGS, "Back to the settings")
        )
    raise error
