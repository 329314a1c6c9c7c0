"""The school's settings that other services own, read and saved over HTTP with the signed-in
admin's own token (each service asks the registrar who that is, shared.remote_auth, and
answers for that school only):

    the notifier's  GET/PUT {EDQUILL_NOTIFIER_URL}/api/messages/settings   (family links)
    the dashboard's GET/PUT {EDQUILL_DASHBOARD_URL}/api/dashboard/settings (rail targets)

Both PUTs replace the whole setting set, so a change is the set as read with one part changed.
A service that is down, slow or not understood raises SettingsUnavailable; one that refuses
the values (422) raises SettingsRefused with the fields at fault.
"""

from __future__ import annotations

from typing import Any

from shared.service_client import ServiceRefused, ServiceUnavailable, get_json, put_json

# The settings page waits at most this long for each service before showing its section as
# unavailable (the rest of the page does not wait on it).
TIMEOUT_SECONDS = 2.0
NOTICE_SETTINGS = "/api/messages/settings"
DASHBOARD_SETTINGS = "/api/dashboard/settings"
# What the GET answers beside the settings themselves: not sent back.
_READ_ONLY = ("customised",)
DASHBOARD_TARGETS = ("lead_wait_hours", "needs_info_wait_hours", "approved_wait_hours")


class SettingsUnavailable(Exception):
    """The service gave no usable answer; the message says why, in words."""


class SettingsRefused(Exception):
    """The service refused the values: `fields` maps each field at fault to its messages."""

    def __init__(self, message: str, fields: dict):
        super().__init__(message)
        self.fields = fields


def notice_settings(notifier_url: str, token: str) -> dict:
    """The school's notice settings (family_link_days among them)."""
    return _settings(_call(get_json, "notifier", notifier_url, NOTICE_SETTINGS, token))


def save_family_link_days(notifier_url: str, token: str, days: int) -> dict:
    """The notice settings after the family links' lifetime became `days` days."""
    current = notice_settings(notifier_url, token)
    body = {**current, "family_link_days": days}
    return _settings(_call(put_json, "notifier", notifier_url, NOTICE_SETTINGS, token, body))


def dashboard_targets(dashboard_url: str, token: str) -> dict:
    """The hours each kind of waiting may last before the dashboard's rail lists it."""
    answer = _call(get_json, "dashboard", dashboard_url, DASHBOARD_SETTINGS, token)
    return _targets(answer)


def save_dashboard_targets(dashboard_url: str, token: str, targets: dict) -> dict:
    body = {key: targets[key] for key in DASHBOARD_TARGETS}
    answer = _call(put_json, "dashboard", dashboard_url, DASHBOARD_SETTINGS, token, body)
    return _targets(answer)


def _call(ask, service: str, base_url: str, path: str, token: str, body: Any = None) -> Any:
    extra = {} if body is None else {"body": body}
    try:
        return ask(base_url, path, token=token, timeout=TIMEOUT_SECONDS, **extra)
    except ServiceRefused as exc:
        if exc.status in (400, 422):
            raise SettingsRefused(exc.error_message, exc.details.get("fields") or {}) from None
        raise SettingsUnavailable(f"the {service} answered {exc.status}") from None
    except ServiceUnavailable as exc:
        raise SettingsUnavailable(f"the {service} is not answering ({exc.reason})") from None


def _settings(answer: Any) -> dict:
    if not isinstance(answer, dict) or "family_link_days" not in answer:
        raise SettingsUnavailable("the notifier's answer is not understood")
    return {key: value for key, value in answer.items() if key not in _READ_ONLY}


def _targets(answer: Any) -> dict:
    try:
        return {key: int(answer[key]) for key in DASHBOARD_TARGETS}
    except (KeyError, TypeError, ValueError):
        raise SettingsUnavailable("the dashboard's answer is not understood") from None
