"""The lead queue's SQL: keyset, never OFFSET, always scoped to the school (no database)."""

from datetime import datetime

from registrar.adapters.lead_queue_store import LeadQuery, page_statement
from registrar.domain.cursors import Cursor

AFTER = Cursor("-submitted_at", datetime(2026, 3, 1, 9, 0), 41)


def test_a_page_asks_one_row_more_than_the_limit():
    sql, params = page_statement(LeadQuery(school_id=7, limit=25))

    assert sql.endswith("LIMIT %s") and params[-1] == 26


def test_no_statement_uses_offset():
    for query in (
        LeadQuery(school_id=7),
        LeadQuery(school_id=7, after=AFTER),
        LeadQuery(school_id=7, q="ada", after=AFTER),
    ):
        assert "OFFSET" not in page_statement(query)[0].upper()


def test_a_descending_page_continues_below_the_cursor():
    sql, params = page_statement(LeadQuery(school_id=7, after=AFTER))

    assert "submitted_at <= %s AND (submitted_at < %s OR id < %s)" in sql
    assert "FORCE INDEX (ix_ssr_school_submitted)" in sql
    assert params[1:4] == [AFTER.value, AFTER.value, 41]
    assert "ORDER BY submitted_at DESC, id DESC" in sql


def test_an_ascending_page_continues_above_the_cursor():
    after = Cursor("last_activity_at", datetime(2026, 3, 1), 3)
    sql, _params = page_statement(LeadQuery(school_id=7, sort="last_activity_at", after=after))

    assert "last_activity_at >= %s AND (last_activity_at > %s OR id > %s)" in sql
    assert "FORCE INDEX (ix_ssr_school_activity)" in sql


def test_every_search_branch_and_the_outer_query_name_the_school():
    sql, params = page_statement(LeadQuery(school_id=7, q="ada"))

    assert sql.count("school_id = %s") == 4
    assert params.count(7) == 4


def test_request_text_never_enters_the_statement():
    sql, params = page_statement(LeadQuery(school_id=7, q="x'; DROP TABLE schools; --"))

    assert "DROP" not in sql
    assert "x';%" in params
