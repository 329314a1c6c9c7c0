"""Inviting a colleague (POST /api/admin/staff/invitations) and the page its link opens
(/staff/invitation/{token}), on the session's MariaDB: admins only, the event carries no link,
the link works once, expires, and is replaced by a newer invitation; a refused link changes
nothing."""

from __future__ import annotations

import json
import secrets
import threading
from datetime import datetime, timedelta, timezone

import pytest

from registrar.adapters.users_store import create_user
from registrar.entrypoints.app import create_app
from registrar.service_layer import staff_invitations
from shared import db
from shared.events import parse_timestamp
from tests.support.classes import outbox_events
from tests.support.staff_invitations import (
    invitation_link_path,
    password_form,
    unique_colleague_email,
)

INVITATIONS = "/api/admin/staff/invitations"
PASSWORD = "a long chosen password"


def invite(client, school, email: str, role: str = "registrar"):
    return client.post(INVITATIONS, json={"email": email, "role": role}, headers=school.headers())


@pytest.fixture
def invited(client, school) -> dict:
    answer = invite(client, school, unique_colleague_email())
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


@pytest.fixture
def link(settings, school, invited) -> str:
    return invitation_link_path(settings, school.id, invited["id"], invited["expires_at"])


def accept(client, link: str, password: str = PASSWORD, again: str | None = None):
    form = password_form(client.get(link).text, password, again)
    return client.post(link, data=form)


def accounts_with(connection, email: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, school_id, role, disabled_at FROM t_user WHERE email = %s", (email,)
        )
        return list(cursor.fetchall())


def signs_in(client, email: str, password: str = PASSWORD) -> bool:
    answer = client.post("/api/auth/login", json={"email": email, "password": password})
    return answer.status_code == 200


# -- the API ------------------------------------------------------------------------------


def test_an_admin_invites_an_address_for_three_days(client, school, registrar_db):
    email = unique_colleague_email()
    before = datetime.now(timezone.utc).replace(microsecond=0)  # the expiry is to the second

    answer = invite(client, school, email.upper(), "viewer")
    after = datetime.now(timezone.utc)

    assert answer.status_code == 201
    body = answer.get_json()
    assert (body["email"], body["role"]) == (email, "viewer")
    three_days = timedelta(hours=72)
    assert before + three_days <= parse_timestamp(body["expires_at"]) <= after + three_days
    assert accounts_with(registrar_db, email) == []  # no account until a password is set
    listed = client.get(INVITATIONS, headers=school.headers()).get_json()["invitations"]
    assert [(i["id"], i["state"]) for i in listed] == [(body["id"], "open")]


def test_the_event_carries_ids_and_the_address_but_no_link(client, settings, school, registrar_db):
    email = unique_colleague_email()
    body = invite(client, school, email).get_json()

    (row,) = [
        r
        for r in outbox_events(registrar_db, school.id, "staff.invited")
        if r["aggregate_id"] == body["id"]
    ]

    assert row["aggregate_type"] == "staff_invitation"
    payload = row["payload"]
    assert (payload["invitation_id"], payload["email"], payload["role"]) == (
        body["id"],
        email,
        "registrar",
    )
    assert parse_timestamp(payload["expires_at"]) == parse_timestamp(body["expires_at"])
    token = invitation_link_path(settings, school.id, body["id"], body["expires_at"])
    text = json.dumps(payload)
    assert "/staff/invitation/" not in text and token.rsplit("/", 1)[1] not in text
    assert not {"token", "link", "url", "invitation_url"} & payload.keys()


def test_inviting_needs_a_token_and_the_admin_role(client, school):
    body = {"email": unique_colleague_email(), "role": "viewer"}

    assert client.post(INVITATIONS, json=body).status_code == 401
    for role in ("registrar", "viewer"):
        answer = client.post(INVITATIONS, json=body, headers=school.headers(role))
        assert answer.status_code == 403
        assert answer.get_json()["error"]["code"] == "forbidden"


def test_bad_input_names_each_field(client, school):
    answer = client.post(
        INVITATIONS, json={"email": "not-an-address", "role": "owner"}, headers=school.headers()
    )

    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["details"]["fields"]) == {"email", "role"}


def test_an_address_with_an_account_is_a_conflict(client, registrar_db, school, other_school):
    for owner in (school, other_school):
        email = unique_colleague_email()
        create_user(registrar_db, owner.id, email, "viewer", PASSWORD)

        answer = invite(client, school, email)

        assert answer.status_code == 409
        assert answer.get_json()["error"]["code"] == "email_taken"


def test_another_schools_invitation_is_not_found_and_stays_open(
    client, school, other_school, invited
):
    url = f"{INVITATIONS}/{invited['id']}"

    assert client.delete(url, headers=other_school.headers()).status_code == 404
    assert client.get(INVITATIONS, headers=other_school.headers()).get_json()["invitations"] == []
    assert client.delete(url, headers=school.headers()).status_code == 204
    again = client.delete(url, headers=school.headers())
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invitation_closed"


# -- the page the link opens ------------------------------------------------------------


def test_the_link_sets_the_password_once_and_the_account_signs_in(
    client, registrar_db, school, invited, link
):
    page = client.get(link)
    assert page.status_code == 200 and invited["email"] in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"

    done = accept(client, link)

    assert done.status_code == 303 and done.headers["Location"] == "/login?invited=1"
    (account,) = accounts_with(registrar_db, invited["email"])
    assert (account["school_id"], account["role"], account["disabled_at"]) == (
        school.id,
        "registrar",
        None,
    )
    assert signs_in(client, invited["email"])
    used = client.get(link)
    assert used.status_code == 410 and "used already" in used.text
    assert client.post(link, data={"password": "another long password"}).status_code == 410


def test_accepting_is_in_the_audit_trail(client, registrar_db, school, invited, link):
    accept(client, link)

    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT actor, action, entity_type, new_value FROM t_audit_log WHERE school_id = %s "
            "AND action IN ('staff_invited', 'invitation_accepted') ORDER BY id",
            (school.id,),
        )
        trail = [tuple(row.values()) for row in cursor.fetchall()]
    assert trail[0][1:] == ("staff_invited", "staff_invitation", "registrar")
    assert trail[1] == (invited["email"], "invitation_accepted", "user", "registrar")


def test_a_newer_invitation_replaces_the_earlier_link(client, settings, registrar_db, school):
    email = unique_colleague_email()
    first = invite(client, school, email).get_json()
    second = invite(client, school, email, "viewer").get_json()
    old = invitation_link_path(settings, school.id, first["id"], first["expires_at"])
    new = invitation_link_path(settings, school.id, second["id"], second["expires_at"])

    refused = client.get(old)
    assert refused.status_code == 410 and "newer invitation" in refused.text
    assert accept(client, new).status_code == 303
    assert [a["role"] for a in accounts_with(registrar_db, email)] == ["viewer"]


def test_an_expired_invitation_gets_a_clear_page_and_changes_nothing(
    settings, registrar_db, school, invited, link
):
    later = parse_timestamp(invited["expires_at"]) + timedelta(seconds=1)
    app = create_app(settings, {"TESTING": True, "EDQUILL_INVITATION_CLOCK": lambda: later})
    client = app.test_client()

    page = client.get(link)

    assert page.status_code == 410 and "has expired" in page.text
    assert (
        client.post(link, data={"password": PASSWORD, "password_again": PASSWORD}).status_code
        == 410
    )
    assert accounts_with(registrar_db, invited["email"]) == []


def test_a_tampered_link_or_a_stretched_expiry_is_refused(
    client, settings, registrar_db, school, invited, link
):
    stretched = invitation_link_path(
        settings,
        school.id,
        invited["id"],
        parse_timestamp(invited["expires_at"]) + timedelta(days=30),
    )
    for refused in (link[:-4] + "abcd", stretched):
        page = client.get(refused)
        assert page.status_code == 403 and "This link does not work" in page.text
        form = {"password": PASSWORD, "password_again": PASSWORD}
        assert client.post(refused, data=form).status_code == 403
    assert accounts_with(registrar_db, invited["email"]) == []


def test_a_post_without_the_pages_token_changes_nothing(client, registrar_db, invited, link):
    answer = client.post(link, data={"password": PASSWORD, "password_again": PASSWORD})

    assert answer.status_code == 403 and "This form had expired" in answer.text
    assert accounts_with(registrar_db, invited["email"]) == []


@pytest.mark.parametrize(
    "password, again, says",
    [("short", "short", "10 to 1024 characters"), (PASSWORD, PASSWORD + "!", "not the same")],
)
def test_a_password_the_rules_refuse_is_asked_for_again(
    client, registrar_db, invited, link, password, again, says
):
    answer = accept(client, link, password, again)

    assert answer.status_code == 422 and says in answer.text
    assert accounts_with(registrar_db, invited["email"]) == []
    assert accept(client, link).status_code == 303  # the invitation is still good


def test_an_account_made_meanwhile_for_the_address_is_said_plainly(
    client, registrar_db, school, invited, link
):
    page = client.get(link)
    create_user(registrar_db, school.id, invited["email"], "viewer", secrets.token_hex(8))

    answer = client.post(link, data=password_form(page.text, PASSWORD))

    assert answer.status_code == 409 and "has an account already" in answer.text
    assert not signs_in(client, invited["email"])


def test_two_invitations_of_one_address_at_once_both_go_through_and_the_newer_stays_open(
    settings, registrar_db, school
):
    # Both look for the address's open invitation, find none, and write theirs: on the gap
    # they both locked, two inserts deadlocked and one admin got a 500. Rounds: a race.
    for _round in range(ROUNDS_AT_ONCE):
        email = unique_colleague_email()
        start = threading.Barrier(2)
        outcomes: list[object] = []

        def invite_at_once(role: str) -> None:
            connection = db.connect(settings, "registrar")
            try:
                start.wait()
                made = staff_invitations.invite(
                    connection,
                    school.id,
                    email,
                    role,
                    "admin@school.test",
                    datetime.now(timezone.utc),
                )
                outcomes.append(made["id"])
            except Exception as exc:  # handed to the assertion below
                outcomes.append(exc)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=invite_at_once, args=(role,))
            for role in ("registrar", "viewer")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)

        assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
        with registrar_db.cursor() as cursor:
            cursor.execute(
                "SELECT id, state FROM t_staff_invitation WHERE email = %s ORDER BY id", (email,)
            )
            states = [row["state"] for row in cursor.fetchall()]
        assert states == ["replaced", "open"]


ROUNDS_AT_ONCE = 20
