"""The lead queue as a file (GET /api/admin/self-registration/export.csv and export.xlsx):
what the queue's filters and sort select, in its order (every page of it), only the caller's
school, spreadsheet formulas defused, and every export in the audit log."""

from __future__ import annotations

import csv
import html
import io
import re
import secrets
from datetime import datetime, timedelta

from openpyxl import load_workbook

from registrar.adapters.users_store import create_user
from registrar.domain.lead_export import HEADERS
from tests.support.pages import sign_in_with_form

EXPORT = "/api/admin/self-registration/export"
QUEUE = "/api/admin/self-registration"
START = datetime(2026, 3, 1, 9, 0, 0)
PASSWORD = "correct horse battery"


def _lead(registrar_db, school_id, first, last="Lovelace", minutes=0, status="pending"):
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "INSERT INTO student_self_registrations (school_id, status, student_first_name, "
            "student_last_name, guardian_email, submitted_at, last_activity_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                school_id,
                status,
                first,
                last,
                f"{first.lower()}@families.example",
                START + timedelta(minutes=minutes),
                START + timedelta(minutes=minutes),
            ),
        )
        return cursor.lastrowid


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(header) == HEADERS
    return rows


def _queue_ids(client, school, **query) -> list[int]:
    ids, cursor = [], None
    while True:
        page = client.get(
            QUEUE,
            query_string={**query, "limit": 100, **({"cursor": cursor} if cursor else {})},
            headers=school.headers("viewer"),
        ).get_json()
        ids += [item["id"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            return ids


def test_without_a_token_is_401(client):
    assert client.get(f"{EXPORT}.csv").status_code == 401
    assert client.get(f"{EXPORT}.xlsx").status_code == 401


def test_a_status_that_does_not_exist_is_422(client, school):
    response = client.get(
        f"{EXPORT}.csv", query_string={"status": "lost"}, headers=school.headers()
    )

    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["status"]


def test_every_row_in_the_queues_order(client, school, registrar_db):
    for number in range(130):
        _lead(registrar_db, school.id, f"Kid{number:02d}", minutes=number % 9)

    for sort in ("-submitted_at", "submitted_at"):
        rows = _csv_rows(
            client.get(f"{EXPORT}.csv", query_string={"sort": sort}, headers=school.headers())
        )

        assert [int(row[0]) for row in rows] == _queue_ids(client, school, sort=sort)
        assert len(rows) == 130


def test_the_filters_select_what_the_page_shows(client, school, registrar_db):
    for number in range(12):
        _lead(registrar_db, school.id, f"Ada{number}", status="needs_info", minutes=number)
        _lead(registrar_db, school.id, f"Grace{number}", status="pending", minutes=number)

    rows = _csv_rows(
        client.get(
            f"{EXPORT}.csv",
            query_string={"status": "needs_info", "q": "ada"},
            headers=school.headers("viewer"),
        )
    )

    assert {row[1] for row in rows} == {"needs_info"}
    assert [int(row[0]) for row in rows] == _queue_ids(client, school, status="needs_info", q="ada")
    assert len(rows) == 12


def test_another_schools_registrations_are_never_in_it(client, school, other_school, registrar_db):
    mine = _lead(registrar_db, school.id, "Mine")
    _lead(registrar_db, other_school.id, "Theirs")

    rows = _csv_rows(client.get(f"{EXPORT}.csv", headers=school.headers()))

    assert [int(row[0]) for row in rows] == [mine]


def test_a_name_that_looks_like_a_formula_opens_as_text(client, school, registrar_db):
    _lead(registrar_db, school.id, "Eve", last='=HYPERLINK("http://evil.example","x")')

    (row,) = _csv_rows(client.get(f"{EXPORT}.csv", headers=school.headers()))

    assert row[3] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[9] == "2026-03-01T09:00:00Z"


def test_the_workbook_holds_the_same_rows(client, school, registrar_db):
    for number in range(20):
        _lead(registrar_db, school.id, f"Kid{number:02d}", minutes=number, last="=1+1")

    response = client.get(f"{EXPORT}.xlsx", headers=school.headers("viewer"))

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == HEADERS
    assert [row[0] for row in rows] == _queue_ids(client, school)
    assert {row[3] for row in rows} == {"'=1+1"}


def test_every_export_is_in_the_audit_log_with_its_filters(client, school, registrar_db):
    _lead(registrar_db, school.id, "Ada", status="pending")

    client.get(
        f"{EXPORT}.csv",
        query_string={"status": "pending", "q": "ad", "sort": "submitted_at"},
        headers=school.headers("viewer"),
    )
    client.get(f"{EXPORT}.xlsx", headers=school.headers("viewer"))

    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT actor, entity_type, entity_id, new_value FROM t_audit_log "
            "WHERE school_id = %s AND action = 'leads_exported' ORDER BY id",
            (school.id,),
        )
        entries = cursor.fetchall()
    assert [entry["new_value"] for entry in entries] == [
        "csv; status=pending; q=ad; sort=submitted_at",
        "xlsx; status=all; q=; sort=-submitted_at",
    ]
    assert {(e["entity_type"], e["entity_id"]) for e in entries} == {("school", school.id)}
    assert all(entry["actor"].startswith("token:") for entry in entries)


def test_the_file_is_named_for_the_school_and_its_day(client, school, registrar_db):
    with registrar_db.cursor() as cursor:
        cursor.execute("SELECT slug FROM schools WHERE id = %s", (school.id,))
        slug = cursor.fetchone()["slug"]

    response = client.get(f"{EXPORT}.csv", headers=school.headers())

    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="leads-{slug}-')
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_workspace_links_the_export_of_what_the_board_shows(
    client, school, registrar_db, client_address
):
    email = f"viewer-{secrets.token_hex(4)}@school.example"
    create_user(registrar_db, school.id, email, "viewer", PASSWORD)
    assert sign_in_with_form(client, email, PASSWORD, address=client_address).status_code == 303
    wanted = _lead(registrar_db, school.id, "Ada", status="needs_info")
    _lead(registrar_db, school.id, "Adam", status="pending")

    board = client.get("/admin/registrar", query_string={"q": "ada", "stage": "needs_info"}).text
    (link,) = re.findall(r'href="(/admin/registrar/export\.csv[^"]*)"', board)
    rows = _csv_rows(client.get(html.unescape(link)))

    assert [int(row[0]) for row in rows] == [wanted]
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT actor FROM t_audit_log WHERE school_id = %s AND action = 'leads_exported'",
            (school.id,),
        )
        assert [row["actor"] for row in cursor.fetchall()] == [email]


def test_the_workspace_export_needs_a_session(client):
    response = client.get("/admin/registrar/export.csv")

    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]
