"""The notifier's HTTP side, with tokens checked by the real registrar: the message log for the
History tab (the token's school only), templates and settings per school (admin)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

import pytest

from devtools.ports import free_port
from notifier.adapters import message_log_store
from notifier.adapters.message_log_store import LogEntry
from notifier.entrypoints.app import create_app
from registrar.adapters.tokens_store import issue_token
from tests.support.factories import create_school
from tests.support.notifier import utc
from tests.support.processes import EdquillProcess, answers
from tests.support.waiting import wait_until


@dataclass
class SchoolAccess:
    id: int
    tokens: dict[str, str]

    def headers(self, role: str = "admin") -> dict[str, str]:
        return {"Accesstoken": self.tokens[role]}


@pytest.fixture(scope="module")
def client(api_settings):
    return create_app(api_settings, {"TESTING": True}).test_client()


def _school(registrar_db) -> SchoolAccess:
    school_id = create_school(registrar_db)
    return SchoolAccess(
        school_id,
        {
            role: issue_token(registrar_db, school_id, role)
            for role in ("admin", "registrar", "viewer")
        },
    )


@pytest.fixture
def school(registrar_db):
    return _school(registrar_db)


@pytest.fixture
def other_school(registrar_db):
    return _school(registrar_db)


def log_message(
    connection,
    school_id: int,
    registration_id: int,
    template: str,
    status: str = "sent",
    minutes: int = 0,
) -> int:
    with connection.cursor() as cursor:
        return message_log_store.insert_message(
            cursor,
            LogEntry(
                school_id=school_id,
                template_key=template,
                purpose="transactional",
                recipient="parent@families.example",
                status=status,
                now=utc(2026, 1, 14, 15, 0) + timedelta(minutes=minutes),
                registration_id=registration_id,
                subject=f"About {template}",
            ),
        ).id


def test_history_lists_a_registrations_messages_newest_first(client, school, notifier_db):
    first = log_message(notifier_db, school.id, 81, "needs_info")
    second = log_message(notifier_db, school.id, 81, "approved", minutes=5)
    log_message(notifier_db, school.id, 82, "receipt")

    answer = client.get("/api/messages?registration_id=81", headers=school.headers("viewer"))

    assert answer.status_code == 200
    messages = answer.get_json()["messages"]
    assert [m["id"] for m in messages] == [second, first]
    assert messages[1]["template"] == "needs_info" and messages[1]["status"] == "sent"
    assert messages[1]["created_at"] == "2026-01-14T15:00:00.000000Z"


def test_history_shows_only_the_tokens_school(client, school, other_school, notifier_db):
    log_message(notifier_db, other_school.id, 83, "needs_info")

    answer = client.get("/api/messages?registration_id=83", headers=school.headers())

    assert answer.get_json()["messages"] == []


def test_history_pages_with_next_before_id(client, school, notifier_db):
    ids = [log_message(notifier_db, school.id, 84, "needs_info", minutes=n) for n in range(3)]

    page = client.get(
        "/api/messages?registration_id=84&limit=2", headers=school.headers()
    ).get_json()
    rest = client.get(
        f"/api/messages?registration_id=84&limit=2&before_id={page['next_before_id']}",
        headers=school.headers(),
    ).get_json()

    assert [m["id"] for m in page["messages"] + rest["messages"]] == ids[::-1]


def test_history_without_a_token_is_refused(client):
    answer = client.get("/api/messages")
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthorized"


def test_history_with_a_token_the_registrar_does_not_know_is_refused(client):
    assert client.get("/api/messages", headers={"Accesstoken": "nope"}).status_code == 401


def test_a_bad_query_names_the_field(client, school):
    answer = client.get("/api/messages?registration_id=abc", headers=school.headers())
    assert answer.status_code == 422
    assert "registration_id" in answer.get_json()["error"]["details"]["fields"]


def test_templates_need_the_admin_role(client, school):
    assert (
        client.get("/api/messages/templates", headers=school.headers("registrar")).status_code
        == 403
    )


def test_a_template_reads_as_the_default_until_the_school_rewords_it(client, school):
    answer = client.get("/api/messages/templates/needs_info", headers=school.headers())

    assert answer.status_code == 200
    template = answer.get_json()
    assert template["origin"] == "default" and "note" in template["variables"]


def test_a_school_rewords_a_template_and_can_go_back(client, school, other_school):
    body = {
        "subject": "{{ school_name }} needs more",
        "text": "Hello {{ guardian_name }}",
        "html": "<p>Hello {{ guardian_name }}</p>",
    }

    put = client.put("/api/messages/templates/needs_info", json=body, headers=school.headers())

    assert put.status_code == 200 and put.get_json()["origin"] == "school"
    assert put.get_json()["subject"] == body["subject"]
    other = client.get("/api/messages/templates/needs_info", headers=other_school.headers())
    assert other.get_json()["origin"] == "default"
    assert (
        client.delete("/api/messages/templates/needs_info", headers=school.headers()).status_code
        == 204
    )
    assert (
        client.get("/api/messages/templates/needs_info", headers=school.headers()).get_json()[
            "origin"
        ]
        == "default"
    )


def test_a_template_that_does_not_render_is_refused_with_the_part_at_fault(client, school):
    body = {"subject": "Hi", "text": "{{ invoice.number.nope.deeper }}", "html": "{% if %}"}

    answer = client.put("/api/messages/templates/needs_info", json=body, headers=school.headers())

    assert answer.status_code == 422
    fields = answer.get_json()["error"]["details"]["fields"]
    assert set(fields) == {"text", "html"}


# A hostile text for each kind of limit, and what the refusal says.
HOSTILE_TEMPLATES = {
    "nested_loops": (
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "more than 100,000 steps",
    ),
    "string_repetition": ('{{ "x" * 10**10 }}', "`*` would make a value of more than 100,000"),
    "power_tower": ("{{ 10**10**10 }}", "`**` would make a number of more than 128 bits"),
    "huge_range": ("{{ range(10**9)|length }}", "range() would count 1,000,000,000 numbers"),
    "format_width": ('{{ "{:>1000000000}".format(1) }}', "a format width or precision was given"),
    "endless_macro": (
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "calls nest more than 30 deep",
    ),
    "output_flood": (
        '{% for i in range(10000) %}{{ "y" * 10000 }}{% endfor %}',
        "writes more than 500,000 characters",
    ),
}


def school_templates_in_the_table(connection, school_id: int) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT template_key, body_text FROM t_message_template WHERE school_id = %s",
            (school_id,),
        )
        return list(cursor.fetchall())


@pytest.mark.parametrize("name", sorted(HOSTILE_TEMPLATES))
def test_a_template_past_a_render_limit_is_refused_naming_it_and_not_saved(
    client, school, notifier_db, name
):
    text, reason = HOSTILE_TEMPLATES[name]
    body = {"subject": "Hi", "text": "Hello", "html": text}

    answer = client.put("/api/messages/templates/needs_info", json=body, headers=school.headers())

    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "template_invalid"
    (problem,) = error["details"]["fields"]["html"]
    assert problem.startswith("template needs_info (school) (html): ") and reason in problem
    assert set(error["details"]["fields"]) == {"html"}
    assert school_templates_in_the_table(notifier_db, school.id) == []


def test_a_refused_template_leaves_the_schools_own_wording_in_place(client, school, notifier_db):
    wording = {
        "subject": "{{ school_name }} needs more",
        "text": "Hello {{ guardian_name }}",
        "html": "<p>Hello {{ guardian_name }}</p>",
    }
    client.put("/api/messages/templates/needs_info", json=wording, headers=school.headers())

    answer = client.put(
        "/api/messages/templates/needs_info",
        json={**wording, "text": '{{ "x" * 10**10 }}'},
        headers=school.headers(),
    )

    assert answer.status_code == 422
    assert school_templates_in_the_table(notifier_db, school.id) == [
        {"template_key": "needs_info", "body_text": "Hello {{ guardian_name }}"}
    ]


def test_an_unknown_template_is_not_found(client, school):
    assert client.get("/api/messages/templates/nope", headers=school.headers()).status_code == 404


def test_a_school_replaces_its_notice_settings(client, school):
    chosen = {
        "quiet_hours_start": "20:30",
        "quiet_hours_end": "07:00",
        "status_updates": ["in_review", "rejected"],
        "reminders_enabled": True,
        "needs_info_reminder_hours": 48,
        "invoice_reminder_hours": 120,
        "family_link_days": 14,
        "answer_alert_email": "desk@school.example",
    }

    answer = client.put("/api/messages/settings", json=chosen, headers=school.headers())

    assert answer.status_code == 200
    assert answer.get_json() == {**chosen, "customised": True}
    assert client.get("/api/messages/settings", headers=school.headers()).get_json() == {
        **chosen,
        "customised": True,
    }


def test_settings_refuse_a_staff_address_that_is_not_one(client, school):
    chosen = {
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "07:00",
        "status_updates": [],
        "reminders_enabled": True,
        "needs_info_reminder_hours": 48,
        "invoice_reminder_hours": 120,
        "answer_alert_email": "not an address",
    }
    answer = client.put("/api/messages/settings", json=chosen, headers=school.headers())
    assert answer.status_code == 422
    assert "answer_alert_email" in answer.get_json()["error"]["details"]["fields"]
    settings = client.get("/api/messages/settings", headers=school.headers()).get_json()
    assert settings["answer_alert_email"] is None


def test_settings_refuse_a_time_that_is_not_one(client, school):
    chosen = {
        "quiet_hours_start": "25:00",
        "quiet_hours_end": "07:00",
        "status_updates": [],
        "reminders_enabled": True,
        "needs_info_reminder_hours": 48,
        "invoice_reminder_hours": 120,
    }
    answer = client.put("/api/messages/settings", json=chosen, headers=school.headers())
    assert answer.status_code == 422
    assert "quiet_hours_start" in answer.get_json()["error"]["details"]["fields"]


@pytest.mark.slow
def test_the_served_notifier_answers_the_history_tab(api_settings, school, notifier_db):
    log_message(notifier_db, school.id, 85, "welcome")
    port = free_port()
    process = EdquillProcess(
        api_settings,
        "serve",
        "notifier",
        "--port",
        str(port),
        "--workers",
        "1",
        extra_env={"EDQUILL_REGISTRAR_URL": api_settings.registrar_url},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: answers(f"{url}/healthz") or not process.running,
            timeout=60,
            what="the notifier to serve",
        )
        assert process.running, process.output()
        request = urllib.request.Request(
            f"{url}/api/messages?registration_id=85", headers=school.headers("viewer")
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            (message,) = json.loads(response.read())["messages"]
        assert message["template"] == "welcome"
    finally:
        process.stop()


@pytest.mark.slow
def test_the_served_notifier_refuses_a_template_past_a_render_limit(
    api_settings, school, notifier_db
):
    port = free_port()
    process = EdquillProcess(
        api_settings,
        "serve",
        "notifier",
        "--port",
        str(port),
        "--workers",
        "1",
        extra_env={"EDQUILL_REGISTRAR_URL": api_settings.registrar_url},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: answers(f"{url}/healthz") or not process.running,
            timeout=60,
            what="the notifier to serve",
        )
        assert process.running, process.output()
        body = json.dumps({"subject": "Hi", "text": "{{ 10**10**10 }}", "html": "<p>Hi</p>"})
        request = urllib.request.Request(
            f"{url}/api/messages/templates/needs_info",
            data=body.encode(),
            method="PUT",
            headers={**school.headers(), "Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 422
        error = json.loads(refused.value.read())["error"]
        assert (
            "`**` would make a number of more than 128 bits"
            in error["details"]["fields"]["text"][0]
        )
        assert school_templates_in_the_table(notifier_db, school.id) == []
    finally:
        process.stop()
