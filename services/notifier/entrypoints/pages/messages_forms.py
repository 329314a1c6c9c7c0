"""The forms of /admin/messages: a wording previewed (the page again, with the preview written
on the server) or saved, a wording reset to the default, a failed message sent again, the
quiet hours and reminder settings saved. Each change redirects back with a confirmation
(post/redirect/get); a refusal renders the page again with the reason and what was typed."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, request
from marshmallow import ValidationError

from notifier.domain.templates import TEMPLATES, wording_languages
from notifier.entrypoints.pages.messages_page import render_messages
from notifier.entrypoints.pages.staff_frame import MESSAGES_PATH, admin_page, caller, message_page
from notifier.entrypoints.views.message_templates.schemas import TemplateChangeSchema
from notifier.entrypoints.views.settings.schemas import NoticeSettingsSchema
from notifier.service_layer import resending, template_admin
from notifier.service_layer.notice_settings import (
    change_notice_settings,
    current_choice,
    from_choice,
)
from shared.errors import DomainError, InvalidInput, NotFound
from shared.web import request_db

blp = Blueprint("messages_forms", __name__)

WORDING_PARTS = ("subject", "text", "html")
SETTINGS_FIELDS = (
    "quiet_hours_start",
    "quiet_hours_end",
    "needs_info_reminder_hours",
    "invoice_reminder_hours",
)


@blp.post(f"{MESSAGES_PATH}/templates/<key>")
@admin_page
def preview_or_save(key: str):
    """The editor's two buttons: Preview (nothing stored) and Save."""
    if key not in TEMPLATES:
        return _no_such_template()
    typed = {part: request.form.get(part, "") for part in WORDING_PARTS}
    language = request.form.get("language", "")
    if language not in wording_languages(key):
        return _no_such_template()
    editing = {**_described(key), **typed, "language": language}
    try:
        wording = _checked_wording(typed, language)
        if request.form.get("action") == "save":
            _save(key, wording)
            return _back({"template": key, "language": language, "done": "saved"}, "editor")
        preview = template_admin.preview(
            current_app.extensions["notifier_renderer"], key, **wording
        )
    except DomainError as exc:
        return render_messages(editing=editing, editor_problems=_problems(exc), status=422)
    return render_messages(editing=editing, preview=preview)


@blp.post(f"{MESSAGES_PATH}/templates/<key>/reset")
@admin_page
def reset(key: str):
    language = request.form.get("language", "")
    if key not in TEMPLATES or language not in wording_languages(key):
        return _no_such_template()
    template_admin.reset_template(
        current_app.extensions["notifier_templates"],
        request_db("notifier"),
        _school(),
        key,
        language,
    )
    return _back({"template": key, "language": language, "done": "reset"}, "editor")


@blp.post(f"{MESSAGES_PATH}/<int:message_id>/resend")
@admin_page
def resend(message_id: int):
    try:
        status = resending.resend(
            request_db("notifier"), _school(), message_id, _now(), _defaults()
        )
    except NotFound:
        return message_page(404, "Not found", "There is no such message in your school's log.")
    except DomainError as exc:
        return render_messages(notice={"kind": "error", "text": _sentence(exc.message)}, status=409)
    return _back({"done": status}, "log-heading")


@blp.post(f"{MESSAGES_PATH}/settings")
@admin_page
def save_settings():
    typed = {name: request.form.get(name, "").strip() for name in SETTINGS_FIELDS}
    typed["reminders_enabled"] = request.form.get("reminders_enabled") == "yes"
    kept = current_choice(request_db("notifier"), _school(), _defaults())
    try:
        chosen = NoticeSettingsSchema().load(
            {
                **{name: kept[name] for name in ("status_updates", "family_link_days")},
                "answer_alert_email": kept["answer_alert_email"],
                **typed,
            }
        )
    except ValidationError as exc:
        problems = {name: " ".join(messages) for name, messages in exc.messages.items()}
        return render_messages(
            settings_form={**kept, **typed}, settings_problems=problems, status=422
        )
    change_notice_settings(request_db("notifier"), _school(), from_choice(chosen), _now())
    return _back({"done": "settings"}, "settings-heading")


def _checked_wording(typed: dict, language: str) -> dict:
    try:
        return TemplateChangeSchema().load({**typed, "language": language})
    except ValidationError as exc:
        raise InvalidInput("some fields are invalid", details={"fields": exc.messages}) from None


def _save(key: str, wording: dict) -> None:
    template_admin.replace_template(
        current_app.extensions["notifier_templates"],
        current_app.extensions["notifier_renderer"],
        request_db("notifier"),
        _school(),
        key,
        wording["subject"],
        wording["text"],
        wording["html"],
        _now(),
        wording["language"],
    )


def _described(key: str) -> dict:
    info = TEMPLATES[key]
    return {"key": key, "description": info.description, "variables": sorted(info.sample)}


def _problems(error: DomainError) -> dict:
    """Each part's reason in words, with the line at fault where it is known."""
    fields = error.details.get("fields") or {}
    lines = error.details.get("lines") or {}
    problems = {}
    for part, messages in fields.items():
        text = " ".join(messages) if isinstance(messages, list) else str(messages)
        problems[part] = f"Line {lines[part]}: {text}" if part in lines else text
    return problems or {"subject": _sentence(error.message)}


def _no_such_template():
    return message_page(404, "Not found", "There is no such message or language to edit.")


def _back(query: dict, anchor: str):
    return redirect(f"{MESSAGES_PATH}?{urlencode(query)}#{anchor}", code=303)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _school() -> int:
    return caller().principal.school_id


def _now():
    return current_app.extensions["notifier_clock"]()


def _defaults():
    return current_app.extensions["notifier_config"].default_preferences()
