"""GET, POST /api/admin/teachers."""

from __future__ import annotations

from tests.support.classes import audit_actions, count_rows, create_teacher

URL = "/api/admin/teachers"


def test_listing_teachers_needs_a_token(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_an_admin_adds_a_teacher(client, school, registrar_db):
    response = client.post(
        URL,
        json={"name": "Grace Hopper", "email": "grace@example.edu"},
        headers=school.headers("admin"),
    )
    assert response.status_code == 201
    teacher_id = response.get_json()["id"]
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT school_id, name, email FROM teachers WHERE id = %s", (teacher_id,))
        assert cursor.fetchone() == {
            "school_id": school.id,
            "name": "Grace Hopper",
            "email": "grace@example.edu",
        }


def test_adding_a_teacher_writes_an_audit_entry(client, school, registrar_db):
    response = client.post(URL, json={"name": "Alan Turing"}, headers=school.headers("admin"))
    assert audit_actions(registrar_db, school.id, "teacher", response.get_json()["id"]) == [
        "teacher_created"
    ]


def test_a_viewer_lists_the_schools_teachers(client, school, registrar_db):
    teacher_id = create_teacher(registrar_db, school.id, "Ada Byron")
    response = client.get(URL, headers=school.headers("viewer"))
    assert response.status_code == 200
    assert response.get_json() == [
        {"id": teacher_id, "name": "Ada Byron", "email": None, "archived_at": None}
    ]


def test_the_list_leaves_out_other_schools_teachers(client, school, other_school, registrar_db):
    create_teacher(registrar_db, other_school.id, "Someone Else")
    assert client.get(URL, headers=school.headers("viewer")).get_json() == []


def test_a_viewer_may_not_add_a_teacher(client, school, registrar_db):
    response = client.post(URL, json={"name": "Grace Hopper"}, headers=school.headers("viewer"))
    assert response.status_code == 403
    assert count_rows(registrar_db, "teachers", school.id) == 0


def test_a_teacher_needs_a_name(client, school, registrar_db):
    response = client.post(URL, json={"email": "x@example.edu"}, headers=school.headers("admin"))
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["details"]["fields"]
    assert count_rows(registrar_db, "teachers", school.id) == 0


def test_a_malformed_email_is_refused_with_the_field(client, school):
    response = client.post(
        URL, json={"name": "Grace", "email": "not-an-address"}, headers=school.headers("admin")
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["email"]


def test_a_body_that_is_not_json_is_refused(client, school, registrar_db):
    response = client.post(
        URL,
        data="name=Grace",
        headers=school.headers("admin"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"
    assert count_rows(registrar_db, "teachers", school.id) == 0


def test_a_json_body_that_does_not_parse_is_refused(client, school):
    response = client.post(
        URL, data="{not json", headers=school.headers("admin"), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_a_blank_name_is_refused(client, school, registrar_db):
    response = client.post(URL, json={"name": "   "}, headers=school.headers("admin"))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["name"]
    assert count_rows(registrar_db, "teachers", school.id) == 0
