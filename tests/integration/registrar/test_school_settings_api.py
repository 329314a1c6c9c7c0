"""GET/PUT /api/admin/school (Flask's test client, real MariaDB): the school's own settings,
read by any staff token and replaced by an admin's, each changed field an audit entry; bad
values refused with the field named; the row's school.updated is how the other services learn
a new time zone, and the KPI service counts what happens after it on the new local days."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone

import pytest

from kpi.service_layer.fold import fold_events
from shared import db
from tests.support.kpi import KpiTables, outbox_events, submitted

SETTINGS = "/api/admin/school"
# Thirteen hours ahead of UTC in November (daylight saving time): noon UTC is tomorrow there.
AUCKLAND = "Pacific/Auckland"


def chosen(**changes) -> dict:
    return {
        "name": "Sunrise Academy",
        "timezone": "UTC",
        "currency": "USD",
        "default_language": "en",
        "seat_offer_hours": 48,
        **changes,
    }


def audit_of(registrar_db, school_id: int) -> list[dict]:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT actor, action, entity_type, entity_id, old_value, new_value "
            "FROM t_audit_log WHERE school_id = %s ORDER BY id",
            (school_id,),
        )
        return list(cursor.fetchall())


def stored(registrar_db, school_id: int) -> dict:
    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT name, timezone, currency, default_language, seat_offer_hours "
            "FROM schools WHERE id = %s",
            (school_id,),
        )
        return cursor.fetchone()


def test_the_settings_need_a_token(client):
    assert client.get(SETTINGS).status_code == 401
    assert client.put(SETTINGS, json=chosen()).status_code == 401


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_only_an_admin_changes_them(client, registrar_db, school, role):
    before = stored(registrar_db, school.id)

    answer = client.put(SETTINGS, json=chosen(name="Taken over"), headers=school.headers(role))

    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"
    assert stored(registrar_db, school.id) == before


def test_any_staff_token_reads_its_own_schools_settings(client, registrar_db, school):
    answer = client.get(SETTINGS, headers=school.headers("viewer"))

    assert answer.status_code == 200
    assert answer.get_json() == stored(registrar_db, school.id)


def test_an_admin_replaces_them_and_each_changed_field_is_audited(client, registrar_db, school):
    client.put(SETTINGS, json=chosen(), headers=school.headers())
    first_entries = len(audit_of(registrar_db, school.id))

    answer = client.put(
        SETTINGS,
        json=chosen(timezone="Europe/Madrid", currency="EUR", seat_offer_hours=24),
        headers=school.headers(),
    )

    assert answer.status_code == 200
    assert answer.get_json() == chosen(
        timezone="Europe/Madrid", currency="EUR", seat_offer_hours=24
    )
    assert client.get(SETTINGS, headers=school.headers()).get_json() == answer.get_json()
    entries = audit_of(registrar_db, school.id)[first_entries:]
    assert [(e["old_value"], e["new_value"]) for e in entries] == [
        ("timezone=UTC", "timezone=Europe/Madrid"),
        ("currency=USD", "currency=EUR"),
        ("seat_offer_hours=48", "seat_offer_hours=24"),
    ]
    assert {(e["action"], e["entity_type"], e["entity_id"]) for e in entries} == {
        ("school_setting_changed", "school", school.id)
    }
    assert all(e["actor"].startswith("token:") for e in entries)


def test_saving_the_same_values_writes_no_audit_entry(client, registrar_db, school):
    client.put(SETTINGS, json=chosen(), headers=school.headers())
    entries = len(audit_of(registrar_db, school.id))

    assert client.put(SETTINGS, json=chosen(), headers=school.headers()).status_code == 200

    assert len(audit_of(registrar_db, school.id)) == entries


@pytest.mark.parametrize(
    "field, value",
    [
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", "localtime"),
        ("timezone", "+02:00"),
        ("currency", "usd"),
        ("currency", "QQQ"),
        ("default_language", "fr"),
        ("seat_offer_hours", 0),
        ("seat_offer_hours", 721),
        ("seat_offer_hours", "48"),
        ("name", "   "),
    ],
)
def test_a_value_out_of_its_kind_is_refused_with_the_field_named(
    client, registrar_db, school, field, value
):
    before = stored(registrar_db, school.id)

    answer = client.put(SETTINGS, json=chosen(**{field: value}), headers=school.headers())

    assert answer.status_code == 422
    assert list(answer.get_json()["error"]["details"]["fields"]) == [field]
    assert stored(registrar_db, school.id) == before


def test_a_missing_field_is_refused(client, school):
    body = chosen()
    del body["currency"]

    answer = client.put(SETTINGS, json=body, headers=school.headers())

    assert answer.status_code == 422
    assert "currency" in answer.get_json()["error"]["details"]["fields"]


def test_no_path_reaches_another_schools_settings(client, registrar_db, school, other_school):
    before = stored(registrar_db, other_school.id)

    by_id = client.get(f"{SETTINGS}/{other_school.id}", headers=school.headers())
    client.put(SETTINGS, json=chosen(name="Mine only"), headers=school.headers())

    assert by_id.status_code == 404
    assert by_id.get_json()["error"]["code"] == "not_found"
    assert stored(registrar_db, other_school.id) == before
    assert stored(registrar_db, school.id)["name"] == "Mine only"


def test_a_new_time_zone_is_announced_to_the_other_services(client, registrar_db, school):
    client.put(SETTINGS, json=chosen(timezone=AUCKLAND), headers=school.headers())

    with registrar_db.cursor() as cursor:
        cursor.execute(
            "SELECT payload FROM t_event_outbox WHERE school_id = %s "
            "AND event_type = 'school.updated' ORDER BY id DESC LIMIT 1",
            (school.id,),
        )
        payload = json.loads(cursor.fetchone()["payload"])
    assert payload["timezone"] == AUCKLAND
    assert payload["school_id"] == school.id


def test_the_kpi_service_counts_days_after_the_change_in_the_new_time_zone(
    client, settings, registrar_db, school
):
    noon_utc = datetime.combine(datetime.now(timezone.utc).date(), time(12), timezone.utc)
    utc_day = noon_utc.date()
    kpi_db = db.connect(settings, "kpi")
    try:
        with db.transaction(kpi_db) as cursor:  # the school as created, in UTC
            fold_events(
                cursor, [*outbox_events(registrar_db, school.id), submitted(school.id, 1, noon_utc)]
            )
        client.put(SETTINGS, json=chosen(timezone=AUCKLAND), headers=school.headers())
        changed = [
            e for e in outbox_events(registrar_db, school.id) if e.event_type == "school.updated"
        ]
        with db.transaction(kpi_db) as cursor:
            fold_events(cursor, [*changed, submitted(school.id, 2, noon_utc)])
    finally:
        kpi_db.close()

    days = KpiTables(settings).marketing(school.id)
    # The lead before the change stays on the UTC day it was counted on; the one after, at
    # the same UTC moment, is on Auckland's day, which is already tomorrow.
    assert days[utc_day]["leads"] == 1
    assert days[utc_day + timedelta(days=1)]["leads"] == 1
