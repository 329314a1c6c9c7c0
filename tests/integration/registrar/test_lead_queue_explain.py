"""The runbook's EXPLAIN of the lead queue (section 7) is the store's own statement, and the
real server plans it on the index the runbook names, with no filesort."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from registrar.adapters.lead_queue_store import LeadQuery, fetch_page, page_statement
from registrar.domain.cursors import decode_cursor
from shared import db
from tests.support.factories import create_school
from tests.support.runbook import sections

# What section 7 shows: the queue's first page, and a page of one stage, each with its index.
SHOWN = {
    "ix_ssr_school_submitted": LeadQuery(school_id=1),
    "ix_ssr_lead_queue": LeadQuery(school_id=1, status="pending"),
}
# Enough schools and rows that the optimiser's choice is the one a real queue gets.
SCHOOLS, REGISTRATIONS_PER_SCHOOL = 4, 300
_EXPECTED_KEY = re.compile(r"--.*expected key: (\w+)")


def shown_statements() -> dict[str, str]:
    """expected key -> the EXPLAIN statement, from section 7's ```sql blocks."""
    shown = {}
    for block in sections()[7].blocks("sql"):
        key = _EXPECTED_KEY.search(block.text)
        statement = " ".join(
            line for line in block.text.splitlines() if not line.lstrip().startswith("--")
        )
        if key and "EXPLAIN" in statement:
            shown[key.group(1)] = " ".join(statement.split()).rstrip(";")
    return shown


@pytest.fixture(scope="module")
def seeded_school(settings):
    connection = db.connect(settings, "registrar")
    statuses = ("pending", "in_review", "needs_info", "approved", "rejected", "converted")
    try:
        schools = [create_school(connection) for _ in range(SCHOOLS)]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO student_self_registrations (school_id, status, student_first_name, "
                "student_last_name, guardian_email, submitted_at, last_activity_at) VALUES "
                "(%s, %s, %s, %s, %s, UTC_TIMESTAMP(6) - INTERVAL %s MINUTE, "
                "UTC_TIMESTAMP(6) - INTERVAL %s MINUTE)",
                [
                    (
                        school,
                        statuses[n % len(statuses)],
                        f"First{n}",
                        f"Last{n}",
                        f"parent{n}@example.com",
                        n,
                        n,
                    )
                    for school in schools
                    for n in range(REGISTRATIONS_PER_SCHOOL)
                ],
            )
            cursor.execute("ANALYZE TABLE student_self_registrations")
            cursor.fetchall()
        yield connection, schools[1]
    finally:
        connection.close()


def test_section_7_shows_the_stores_own_statements(registrar_db):
    with registrar_db.cursor() as cursor:
        built = {
            key: "EXPLAIN " + cursor.mogrify(*page_statement(query)) for key, query in SHOWN.items()
        }

    assert shown_statements() == built


@pytest.mark.parametrize("key", SHOWN)
def test_the_server_plans_the_lead_queue_on_the_index_the_runbook_names(seeded_school, key):
    connection, school_id = seeded_school
    query = LeadQuery(school_id=school_id, status=SHOWN[key].status)

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + cursor.mogrify(*page_statement(query)))
        (plan,) = cursor.fetchall()

    assert plan["key"] == key
    assert "filesort" not in (plan["Extra"] or "")


def _index_rows_read(cursor) -> int:
    cursor.execute("SHOW SESSION STATUS LIKE 'Handler_read%'")
    return sum(int(row["Value"]) for row in cursor.fetchall())


@pytest.mark.parametrize("status", [None, "pending"])
@pytest.mark.parametrize("sort", ["-submitted_at", "last_activity_at"])
def test_a_deep_page_reads_a_pages_worth_of_rows_not_every_page_before_it(
    seeded_school, status, sort
):
    connection, school_id = seeded_school
    query = LeadQuery(school_id=school_id, status=status, sort=sort, limit=5)
    page = fetch_page(connection, query)
    for _ in range(5):
        page = fetch_page(connection, replace(query, after=decode_cursor(page["next_cursor"])))
    deep = replace(query, after=decode_cursor(page["next_cursor"]))

    with connection.cursor() as cursor:
        before = _index_rows_read(cursor)
        cursor.execute(*page_statement(deep))
        rows = cursor.fetchall()
        read = _index_rows_read(cursor) - before

    assert len(rows) == 6
    # The statement itself, plus the status query's own row reads; a scan from the top of the
    # school's index would read the 30 rows before the page too.
    assert read <= 2 * len(rows) + 10
