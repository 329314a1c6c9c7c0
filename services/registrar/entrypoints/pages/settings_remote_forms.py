"""The settings page's forms for what other services keep: the notifier's family-link
lifetime and the dashboard's rail targets, saved there with the signed-in admin's own token
(registrar.adapters.remote_settings_client), then written to the registrar's audit trail.

A service that does not answer leaves everything as it was and says so; one that refuses a
value names the field, as the registrar's own forms do.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request

from registrar.adapters.remote_settings_client import (
    DASHBOARD_TARGETS,
    SettingsRefused,
    SettingsUnavailable,
    dashboard_targets,
    notice_settings,
    save_dashboard_targets,
    save_family_link_days,
)
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.pages import settings_wording
from registrar.entrypoints.pages.page_roles import page_for
from registrar.entrypoints.pages.settings_page import SETTINGS, refused, render_settings
from registrar.entrypoints.pages.staff_session import staff_session
from registrar.service_layer.school_settings import record_outside_change
from shared.roles import ADMIN
from shared.web import request_db

blp = Blueprint("settings_remote_forms", __name__)


@blp.post(f"{SETTINGS}/family-links")
@page_for(ADMIN)
def save_family_links():
    typed = {"family_link_days": request.form.get("family_link_days", "").strip()}
    days = _whole_number(typed, "family_link_days")
    if isinstance(days, dict):
        return refused("family_links", days, typed)
    url = _settings().notifier_url
    try:
        before = notice_settings(url, _token())["family_link_days"]
        save_family_link_days(url, _token(), days)
    except SettingsRefused as exc:
        return refused("family_links", exc.fields, typed)
    except SettingsUnavailable as exc:
        return _unavailable("family_links", "notifier", exc, typed)
    _audit("family_link_days", before, days)
    return redirect(f"{SETTINGS}?done=family_links", code=303)


@blp.post(f"{SETTINGS}/dashboard-targets")
@page_for(ADMIN)
def save_targets():
    typed = {key: request.form.get(key, "").strip() for key in DASHBOARD_TARGETS}
    chosen = {}
    for key in DASHBOARD_TARGETS:
        hours = _whole_number(typed, key)
        if isinstance(hours, dict):
            return refused("dashboard_targets", hours, typed)
        chosen[key] = hours
    url = _settings().dashboard_url
    try:
        before = dashboard_targets(url, _token())
        save_dashboard_targets(url, _token(), chosen)
    except SettingsRefused as exc:
        return refused("dashboard_targets", exc.fields, typed)
    except SettingsUnavailable as exc:
        return _unavailable("dashboard_targets", "dashboard", exc, typed)
    for key in DASHBOARD_TARGETS:
        _audit(key, before[key], chosen[key])
    return redirect(f"{SETTINGS}?done=dashboard_targets", code=303)


def _whole_number(typed: dict, name: str) -> int | dict:
    """The field as a whole number, or its error as the API would give it."""
    value = typed[name]
    if value.isdigit():
        return int(value)
    return {name: ["Must be a whole number."]}


def _unavailable(form: str, service: str, error: Exception, typed: dict):
    text = "Nothing was saved: " + settings_wording.unavailable(service, str(error))
    return render_settings(
        notice={"kind": "error", "text": text}, form=form, typed=typed, status=503
    )


def _audit(setting: str, old, new) -> None:
    connection, principal = request_db("registrar"), staff_session().principal
    record_outside_change(
        connection, principal.school_id, actor_for(connection, principal), setting, old, new
    )


def _token() -> str:
    return staff_session().token


def _settings():
    return current_app.config["EDQUILL_SETTINGS"]
