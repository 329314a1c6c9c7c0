"""GET /api/admin/reports/daily: the registrar's own counts per local day of the token's
school, from its tables (what `kpi reconcile` compares the KPI figures with)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.factories import create_registration

URL = "/api/admin/reports/daily"


def at(registrar_db, registration_id: int, submitted_at: datetime) -> None:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE student_self_registrations SET submitted_at = %s WHERE id = %s",
            (submitted_at, registration_id),
        )


def audit_status(
    registrar_db, school_id: int, registration_id: int, new_status: str, created_at: datetime
) -> None:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_audit_log (school_id, actor, action, entity_type, "
            "entity_id, new_value, created_at) VALUES (%s, 'tester', "
            "'status_changed', 'registration', %s, %s, %s)",
            (school_id, registration_id, new_status, created_at),
        )


@pytest.fixture
def new_york_school(registrar_db, school):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "UPDATE schools SET timezone = 'America/New_York' WHERE id = %s", (school.id,)
        )
    return school


def test_counts_are_placed_on_the_schools_local_days(client, registrar_db, new_york_school):
    school = new_york_school
    late, early = (create_registration(registrar_db, school.id) for _ in range(2))
    at(registrar_db, late, datetime(2025, 11, 13, 4, 59, 59))  # 23:59:59 on the 12th
    at(registrar_db, early, datetime(2025, 11, 13, 5, 0, 0))  # 00:00 on the 13th
    audit_status(registrar_db, school.id, late, "approved", datetime(2025, 11, 13, 16, 0))
    audit_status(registrar_db, school.id, early, "rejected", datetime(2025, 11, 13, 16, 5))

    answer = client.get(f"{URL}?from=2025-11-12&to=2025-11-13", headers=school.headers("viewer"))

    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["school_id"], body["timezone"]) == (school.id, "America/New_York")
    by_day = {day.pop("day"): day for day in body["days"]}
    assert {day: row["leads"] for day, row in by_day.items()} == {"2025-11-12": 1, "2025-11-13": 1}
    assert (by_day["2025-11-13"]["approvals"], by_day["2025-11-13"]["rejections"]) == (1, 1)


def test_another_schools_records_are_not_counted(client, registrar_db, school, other_school):
    registration = create_registration(registrar_db, other_school.id)
    at(registrar_db, registration, datetime(2025, 11, 13, 12))

    body = client.get(
        f"{URL}?from=2025-11-13&to=2025-11-13", headers=school.headers("viewer")
    ).get_json()

    assert body["school_id"] == school.id
    assert body["days"][0]["leads"] == 0


def test_the_report_needs_a_token(client):
    assert client.get(f"{URL}?from=2025-11-13&to=2025-11-13").status_code == 401


def test_a_range_that_runs_backwards_is_422_naming_to(client, school):
    answer = client.get(f"{URL}?from=2025-11-13&to=2025-11-01", headers=school.headers())

    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["details"]["fields"]) == ["to"]
