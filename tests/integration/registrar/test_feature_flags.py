"""Per-school feature flags: GET /api/admin/feature-flags, PUT .../{key}, flags_store.is_enabled."""

from __future__ import annotations

import pytest

from registrar.adapters import flags_store
from registrar.service_layer import flags

FLAGS = "/api/admin/feature-flags"


def _flags(client, school, role="viewer"):
    response = client.get(FLAGS, headers=school.headers(role))
    assert response.status_code == 200
    return {flag["key"]: flag for flag in response.get_json()["flags"]}


def _stored(registrar_db, school_id):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT flag_key, enabled FROM t_feature_flag WHERE school_id = %s", (school_id,)
        )
        return {row["flag_key"]: row["enabled"] for row in cursor.fetchall()}


def _flag_audit(registrar_db, school_id):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT actor, old_value, new_value FROM t_audit_log WHERE school_id = %s "
            "AND action = 'feature_flag_changed' ORDER BY id",
            (school_id,),
        )
        return cursor.fetchall()


def test_a_new_school_lists_every_known_flag_at_its_default(client, school):
    listed = _flags(client, school)

    assert {key: flag["enabled"] for key, flag in listed.items()} == {
        "autopay": False,
        "reminders": True,
        "status_emails": True,
    }
    assert all(flag["updated_at"] is None for flag in listed.values())
    assert all(flag["description"] for flag in listed.values())


def test_an_admin_turns_a_flag_on(client, school, registrar_db):
    response = client.put(
        f"{FLAGS}/autopay", json={"enabled": True}, headers=school.headers("admin")
    )

    assert response.status_code == 200
    assert response.get_json()["enabled"] is True
    assert response.get_json()["updated_at"].endswith("Z")
    assert _flags(client, school)["autopay"]["enabled"] is True
    assert _stored(registrar_db, school.id) == {"autopay": 1}


def test_a_flag_change_is_audited(client, school, registrar_db):
    client.put(f"{FLAGS}/reminders", json={"enabled": False}, headers=school.headers("admin"))

    (entry,) = _flag_audit(registrar_db, school.id)
    assert (entry["old_value"], entry["new_value"]) == ("reminders=on", "reminders=off")


def test_flags_belong_to_one_school(client, school, other_school):
    client.put(f"{FLAGS}/autopay", json={"enabled": True}, headers=school.headers("admin"))

    assert _flags(client, other_school)["autopay"]["enabled"] is False


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_only_an_admin_may_change_a_flag(client, school, registrar_db, role):
    response = client.put(f"{FLAGS}/autopay", json={"enabled": True}, headers=school.headers(role))

    assert response.status_code == 403
    assert _stored(registrar_db, school.id) == {}


def test_an_unknown_key_is_404_and_nothing_is_written(client, school, registrar_db):
    response = client.put(
        f"{FLAGS}/teleport", json={"enabled": True}, headers=school.headers("admin")
    )

    assert response.status_code == 404
    assert _stored(registrar_db, school.id) == {}
    assert _flag_audit(registrar_db, school.id) == ()


@pytest.mark.parametrize(
    "body", [{}, {"enabled": "yes"}, {"enabled": None}, {"enabled": True, "colour": "red"}]
)
def test_an_invalid_body_is_422_and_nothing_is_written(client, school, registrar_db, body):
    response = client.put(f"{FLAGS}/autopay", json=body, headers=school.headers("admin"))

    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["fields"]
    assert _stored(registrar_db, school.id) == {}


def test_a_body_that_is_not_json_is_400(client, school):
    response = client.put(
        f"{FLAGS}/autopay",
        data="enabled=true",
        content_type="application/x-www-form-urlencoded",
        headers=school.headers("admin"),
    )

    assert response.status_code == 400


def test_without_a_token_listing_is_401(client):
    assert client.get(FLAGS).status_code == 401


def test_without_a_token_changing_is_401(client):
    assert client.put(f"{FLAGS}/autopay", json={"enabled": True}).status_code == 401


def test_is_enabled_answers_the_default_until_the_school_sets_the_flag(registrar_db, school):
    assert flags_store.is_enabled(registrar_db, school.id, "status_emails") is True

    flags.set_flag(registrar_db, school.id, "status_emails", False, actor="test")

    assert flags_store.is_enabled(registrar_db, school.id, "status_emails") is False


def test_is_enabled_works_inside_a_callers_transaction(registrar_db, school):
    with registrar_db.cursor() as cursor:
        assert flags_store.is_enabled(cursor, school.id, "autopay") is False


def test_is_enabled_refuses_an_unknown_key(registrar_db, school):
    with pytest.raises(flags_store.UnknownFlag):
        flags_store.is_enabled(registrar_db, school.id, "teleport")
