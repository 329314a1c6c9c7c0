"""The lead queue: a school's registrations, filtered, searched and paged by keyset.

Pages are ordered by (sort column, id) and continue after the previous page's last row
(never OFFSET), so page 50 costs what page 1 costs. Every statement is built from the fixed
fragments below, never from request text; request values travel as parameters.

Search `q` is a case-insensitive prefix match:
  - one word matches the start of the student's first name, last name or the guardian's
    e-mail address;
  - several words match a first name starting with the first word and a last name starting
    with the rest, in either order ("ada love", "lovelace ada").
Each alternative is one range of its own (school_id, column) index; `%`, `_` and `!` in `q`
are matched literally.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator

import pymysql

from registrar.domain.cursors import Cursor, encode_cursor
from shared.registration_status import STATUSES

# sort parameter -> (column, descending?)
SORTS = {
    "submitted_at": ("submitted_at", False),
    "-submitted_at": ("submitted_at", True),
    "last_activity_at": ("last_activity_at", False),
    "-last_activity_at": ("last_activity_at", True),
}
DEFAULT_SORT = "-submitted_at"
MAX_PAGE = 100
# The index each page is read from, by (sort column, whether one status is asked for). Named
# in the statement: left to itself, the optimiser reads a big school's deep pages from the top
# of the school's index ("ORDER BY ... LIMIT" costed as cheaper that way) instead of seeking
# to the page's start, so page 400 cost 400 pages' worth of rows.
_PAGE_INDEXES = {
    ("submitted_at", False): "ix_ssr_school_submitted",
    ("submitted_at", True): "ix_ssr_lead_queue",
    ("last_activity_at", False): "ix_ssr_school_activity",
    ("last_activity_at", True): "ix_ssr_school_status_activity",
}
# "No limit" for a statement that reads every matching row (LIMIT takes up to 2**64 - 1).
_EVERY_ROW = 10**15

# guardian_name and info_missing are for the workspace's cards (the API leaves them out).
_LIST_COLUMNS = (
    "id",
    "status",
    "student_first_name",
    "student_last_name",
    "guardian_email",
    "guardian_phone",
    "guardian_name",
    "program",
    "source",
    "submitted_at",
    "last_activity_at",
    "version",
    "info_missing",
)
_SEARCH_COLUMNS = ("student_first_name", "student_last_name", "guardian_email")
_LIKE_ESCAPE = "!"


@dataclass(frozen=True)
class LeadQuery:
    school_id: int
    status: str | None = None
    q: str | None = None
    sort: str = DEFAULT_SORT
    limit: int = 25
    after: Cursor | None = None


def like_prefix(text: str) -> str:
    """A LIKE pattern matching values that start with `text`, taken literally."""
    for special in (_LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, _LIKE_ESCAPE + special)
    return text + "%"


def search_alternatives(q: str) -> list[tuple[tuple[str, str], ...]]:
    """Each alternative is a tuple of (column, LIKE pattern) that must all hold."""
    words = q.split()
    if len(words) == 1:
        return [((column, like_prefix(words[0])),) for column in _SEARCH_COLUMNS]
    first, rest = like_prefix(words[0]), like_prefix(" ".join(words[1:]))
    return [
        (("student_first_name", first), ("student_last_name", rest)),
        (("student_last_name", first), ("student_first_name", rest)),
    ]


def page_statement(query: LeadQuery) -> tuple[str, list]:
    """The SELECT for one page (limit + 1 rows, to know whether another page follows)."""
    if query.q:
        return _search_statement(query)
    column, descending = SORTS[query.sort]
    where, params = _filters(query, column, descending, ())
    index = _PAGE_INDEXES[column, query.status is not None]
    sql = (
        f"SELECT {', '.join(_LIST_COLUMNS)} FROM student_self_registrations "
        f"FORCE INDEX ({index}) WHERE {where} {_order(column, descending)} LIMIT %s"
    )
    return sql, [*params, query.limit + 1]


def fetch_page(connection, query: LeadQuery) -> dict:
    sql, params = page_statement(query)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = list(cursor.fetchall())
    items, more = rows[: query.limit], len(rows) > query.limit
    column, _descending = SORTS[query.sort]
    next_cursor = (
        encode_cursor(Cursor(query.sort, items[-1][column], items[-1]["id"])) if more else None
    )
    return {"items": items, "next_cursor": next_cursor, "limit": query.limit}


def every_row(connection, query: LeadQuery) -> Iterator[dict]:
    """Every registration the query selects (its cursor ignored), in its order, as the server
    sends them: one statement on an unbuffered cursor, so reading a whole school costs one
    ordered scan and memory for a row, not the school. The connection is busy until the rows
    are read to the end."""
    sql, params = page_statement(replace(query, limit=_EVERY_ROW, after=None))
    with connection.cursor(pymysql.cursors.SSDictCursor) as cursor:
        cursor.execute(sql, params)
        yield from cursor


def stage_counts(connection, school_id: int) -> dict[str, int]:
    """Registrations per status (every status present, zero when empty), from the counts the
    triggers keep (t_stage_count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, registrations FROM t_stage_count WHERE school_id = %s", (school_id,)
        )
        counted = {row["status"]: row["registrations"] for row in cursor.fetchall()}
    return {status: counted.get(status, 0) for status in STATUSES}


def _search_statement(query: LeadQuery) -> tuple[str, list]:
    # One indexed range per alternative, each already ordered and cut to the page size, then
    # merged: cheaper and steadier than one OR the optimiser may scan the school for.
    column, descending = SORTS[query.sort]
    branches, params = [], []
    for alternative in search_alternatives(query.q):
        where, branch_params = _filters(query, column, descending, alternative)
        branches.append(
            f"(SELECT id FROM student_self_registrations WHERE {where} "
            f"{_order(column, descending)} LIMIT %s)"
        )
        params += [*branch_params, query.limit + 1]
    sql = (
        f"SELECT {', '.join('r.' + name for name in _LIST_COLUMNS)} "
        "FROM student_self_registrations AS r "
        f"JOIN ({' UNION '.join(branches)}) AS hits ON hits.id = r.id "
        f"WHERE r.school_id = %s {_order('r.' + column, descending, 'r.id')} LIMIT %s"
    )
    return sql, [*params, query.school_id, query.limit + 1]


def _filters(
    query: LeadQuery, column: str, descending: bool, matches: tuple[tuple[str, str], ...]
) -> tuple[str, list]:
    conditions, params = ["school_id = %s"], [query.school_id]
    if query.status:
        conditions.append("status = %s")
        params.append(query.status)
    for match_column, pattern in matches:
        conditions.append(f"{match_column} LIKE %s ESCAPE '{_LIKE_ESCAPE}'")
        params.append(pattern)
    if query.after:
        # "Up to the last row's value, and past the last row": the first half is a range of
        # the index to seek into, the second the tie-break on id.
        beyond = "<" if descending else ">"
        conditions.append(f"{column} {beyond}= %s AND ({column} {beyond} %s OR id {beyond} %s)")
        params += [query.after.value, query.after.value, query.after.id]
    return " AND ".join(conditions), params


def _order(column: str, descending: bool, id_column: str = "id") -> str:
    direction = "DESC" if descending else "ASC"
    return f"ORDER BY {column} {direction}, {id_column} {direction}"
