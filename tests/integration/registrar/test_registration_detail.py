"""One registration's detail: GET /api/admin/self-registration/{id}."""

from __future__ import annotations

from tests.support.factories import create_registration

DETAIL = "/api/admin/self-registration/{}"


def test_the_overview_has_every_field_and_the_version(client, school, registrar_db):
    registration = create_registration(
        registrar_db, school.id, first_name="Grace", last_name="Hopper", email="hopper@example.com"
    )

    response = client.get(DETAIL.format(registration), headers=school.headers("viewer"))

    assert response.status_code == 200
    overview = response.get_json()["overview"]
    assert overview["id"] == registration
    assert (overview["student_first_name"], overview["guardian_email"]) == (
        "Grace",
        "hopper@example.com",
    )
    assert overview["status"] == "pending" and overview["version"] == 1
    assert overview["info_missing"] == []
    assert {
        "date_of_birth",
        "guardian_phone",
        "consent_email",
        "consent_given_at",
        "utm_campaign",
        "submitted_at",
        "last_activity_at",
        "status_note",
    } <= set(overview)
    assert "submission_fingerprint" not in overview


def test_the_answer_has_documents_class_fees_and_history_sections(client, school, registrar_db):
    registration = create_registration(registrar_db, school.id)

    detail = client.get(DETAIL.format(registration), headers=school.headers("viewer")).get_json()

    assert isinstance(detail["documents"], list)
    assert "class" in detail
    assert isinstance(detail["fees"], list)
    assert detail["history"] == []


def test_history_lists_the_audit_entries_in_order(client, school, registrar_db):
    registration = create_registration(registrar_db, school.id)
    for status, note in (("in_review", None), ("rejected", "Program is full")):
        client.post(
            "/api/admin/self-registration/status",
            json={"registration_id": registration, "status": status, "note": note},
            headers=school.headers("registrar"),
        )

    history = client.get(DETAIL.format(registration), headers=school.headers("viewer")).get_json()[
        "history"
    ]

    assert [(entry["old_value"], entry["new_value"]) for entry in history] == [
        ("pending", "in_review"),
        ("in_review", "rejected"),
    ]
    assert history[1]["reason"] == "Program is full"
    assert history[1]["created_at"].endswith("Z")


def test_another_schools_registration_is_404_without_its_data(
    client, school, other_school, registrar_db
):
    theirs = create_registration(registrar_db, other_school.id, first_name="Secret")

    response = client.get(DETAIL.format(theirs), headers=school.headers("admin"))

    assert response.status_code == 404
    assert "Secret" not in response.get_data(as_text=True)


def test_an_unknown_id_is_404(client, school):
    assert (
        client.get(DETAIL.format(999_999_999), headers=school.headers("viewer")).status_code == 404
    )


def test_without_a_token_is_401(client, school, registrar_db):
    registration = create_registration(registrar_db, school.id)

    assert client.get(DETAIL.format(registration)).status_code == 401
