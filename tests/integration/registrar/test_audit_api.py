"""/api/admin/audit against the real MariaDB: the school's trail newest first, filtered by
registration, person and action, keyset-paged, and nothing of another school."""

from __future__ import annotations

import pytest

from registrar.adapters import audit_store
from shared.db import transaction
from tests.support.factories import create_registration

AUDIT = "/api/admin/audit"


def _entry(registrar_db, school_id, *, actor="a@school.example", action="status_changed", **kw):
    with transaction(registrar_db) as cursor:
        audit_store.record(
            cursor,
            school_id=school_id,
            actor=actor,
            action=action,
            entity_type=kw.get("entity_type", "registration"),
            entity_id=kw.get("entity_id", 1),
            old_value=kw.get("old_value"),
            new_value=kw.get("new_value"),
        )


def _trail(client, school, role="viewer", **query):
    answer = client.get(AUDIT, query_string=query, headers=school.headers(role))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_status_change_is_in_the_trail_with_before_and_after(client, registrar_db, school):
    registration_id = create_registration(registrar_db, school.id)
    moved = client.post(
        "/api/admin/self-registration/status",
        json={"registration_id": registration_id, "status": "in_review"},
        headers=school.headers("registrar"),
    )
    assert moved.status_code == 200

    (entry,) = _trail(client, school, registration_id=registration_id)["items"]

    assert (entry["action"], entry["old_value"], entry["new_value"]) == (
        "status_changed",
        "pending",
        "in_review",
    )
    assert entry["created_at"].endswith("Z")


def test_the_trail_filters_by_person_and_by_action(client, registrar_db, school):
    _entry(registrar_db, school.id, actor="ann@school.example")
    _entry(registrar_db, school.id, actor="bob@school.example")
    _entry(registrar_db, school.id, actor="bob@school.example", action="role_changed")

    by_bob = _trail(client, school, actor="bob@school.example")["items"]
    bobs_status_changes = _trail(
        client, school, actor="bob@school.example", action="status_changed"
    )["items"]

    assert [entry["action"] for entry in by_bob] == ["role_changed", "status_changed"]
    assert len(bobs_status_changes) == 1


def test_pages_follow_one_another_newest_first_without_gaps(client, registrar_db, school):
    for number in range(5):
        _entry(registrar_db, school.id, entity_id=number + 1)

    first = _trail(client, school, limit=2)
    second = _trail(client, school, limit=2, cursor=first["next_cursor"])
    last = _trail(client, school, limit=2, cursor=second["next_cursor"])

    ids = [entry["entity_id"] for page in (first, second, last) for entry in page["items"]]
    assert ids == [5, 4, 3, 2, 1]
    assert last["next_cursor"] is None


def test_another_schools_trail_is_never_shown(client, registrar_db, school, other_school):
    _entry(registrar_db, other_school.id)

    assert _trail(client, school)["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"registration_id": 0}, "registration_id"),
    ],
)
def test_a_bad_query_is_refused_naming_the_field(client, school, query, field):
    answer = client.get(AUDIT, query_string=query, headers=school.headers())

    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["details"]["fields"]


def test_the_trail_needs_a_token(client):
    assert client.get(AUDIT).status_code == 401
