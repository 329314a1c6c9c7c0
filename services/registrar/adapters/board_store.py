"""The stage board in MySQL: each stage's count and a page of its cards, with the facts the
cards' flags need (documents, class placements, the child's other placements), read for a
whole board in a handful of statements whatever its size.

Pages come from the lead queue (registrar.adapters.lead_queue_store: keyset paging, never
OFFSET), so a stage of 100,000 registrations costs what a stage of ten does; only the counts
scan the school's rows, through the (school_id, status, ...) index.
"""

from __future__ import annotations

import json
from datetime import datetime

from registrar.adapters import classes_store, family_answers_store
from registrar.adapters.lead_queue_store import LeadQuery, fetch_page, stage_counts
from registrar.domain.board import (
    BOARD_STAGES,
    PLACEMENT_OPEN,
    CardFlags,
    documents_missing,
    is_overdue,
    lead_age,
    placement_conflicts,
)
from registrar.domain.scheduling import StudentPlacement

# Cards per column on the whole board: a stage at a glance; "more" pages through the rest.
BOARD_PAGE_SIZE = 12
# Cards per page when one stage is shown on its own.
STAGE_PAGE_SIZE = 50


def board(connection, query: LeadQuery, now: datetime) -> list[dict]:
    """The columns of the board: every stage (or only `query.status`), each with its count,
    its first page of cards (after `query.after` when one stage is shown) and next cursor."""
    counts = stage_counts(connection, query.school_id)
    stages = (query.status,) if query.status else BOARD_STAGES
    columns = []
    for stage in stages:
        page = fetch_page(
            connection,
            LeadQuery(
                school_id=query.school_id,
                status=stage,
                q=query.q,
                sort=query.sort,
                limit=query.limit,
                after=query.after if query.status else None,
            ),
        )
        columns.append({"status": stage, "count": counts[stage], **page})
    add_card_facts(
        connection, query.school_id, [card for column in columns for card in column["items"]], now
    )
    return columns


def column_page(connection, query: LeadQuery, now: datetime) -> dict:
    """One page of one stage's cards (the board's "more")."""
    page = fetch_page(connection, query)
    add_card_facts(connection, query.school_id, page["items"], now)
    return page


def add_card_facts(connection, school_id: int, cards: list[dict], now: datetime) -> None:
    """Give each card its `flags`, `age` and `info_missing` as a list."""
    if not cards:
        return
    ids = [card["id"] for card in cards]
    with connection.cursor() as cursor:
        documents = _document_counts(cursor, school_id, ids)
        placements = _placements(cursor, school_id, ids)
        conflicted = _conflicted(cursor, school_id, cards, placements)
        answered = family_answers_store.answered_by_family(
            cursor, school_id, [card["id"] for card in cards if card["status"] == "in_review"]
        )
    for card in cards:
        missing = json.loads(card["info_missing"]) if card.get("info_missing") else []
        card["info_missing"] = missing
        card["age"] = lead_age(card["submitted_at"], now)
        card["flags"] = CardFlags(
            documents_missing=documents_missing(
                card["status"], documents.get(card["id"], 0), missing
            ),
            conflict=card["id"] in conflicted,
            overdue=is_overdue(card["status"], card["last_activity_at"], now),
            family_answered=card["id"] in answered,
        )


def _document_counts(cursor, school_id: int, ids: list[int]) -> dict[int, int]:
    cursor.execute(
        "SELECT registration_id, COUNT(*) AS documents FROM registration_documents "
        "WHERE school_id = %s AND registration_id IN %s GROUP BY registration_id",
        (school_id, ids),
    )
    return {row["registration_id"]: row["documents"] for row in cursor.fetchall()}


def _placements(cursor, school_id: int, ids: list[int]) -> dict[int, int]:
    cursor.execute(
        "SELECT registration_id, schedule_id FROM class_placements "
        "WHERE school_id = %s AND registration_id IN %s",
        (school_id, ids),
    )
    return {row["registration_id"]: row["schedule_id"] for row in cursor.fetchall()}


def _conflicted(cursor, school_id: int, cards: list[dict], placements: dict[int, int]) -> set[int]:
    """Ids of the cards whose class placement the rules would refuse now."""
    open_ids = [
        card["id"]
        for card in cards
        if card["status"] in PLACEMENT_OPEN and card["id"] in placements
    ]
    if not open_ids:
        return set()
    # Registration id 0 is nobody's: every seat of every class counts, the card's own included.
    school_classes = {
        schedule_id: classes_store.class_slot(row)
        for schedule_id, row in classes_store.schedules_for_placing(cursor, school_id, 0).items()
    }
    same_child = _same_child_placements(cursor, school_id, open_ids)
    return {
        registration_id
        for registration_id in open_ids
        if placement_conflicts(
            placements[registration_id],
            school_classes,
            [
                StudentPlacement(other_id, school_classes[schedule_id])
                for other_id, schedule_id in same_child.get(registration_id, [])
            ],
        )
    }


def _same_child_placements(
    cursor, school_id: int, ids: list[int]
) -> dict[int, list[tuple[int, int]]]:
    """For each registration, where the same child's other live registrations sit
    (as registrar.service_layer.assignments decides who "the same child" is)."""
    cursor.execute(
        "SELECT r.id, o.id AS other_id, p.schedule_id FROM student_self_registrations r "
        "JOIN student_self_registrations o ON o.school_id = r.school_id "
        "AND o.guardian_email = r.guardian_email AND o.student_first_name = r.student_first_name "
        "AND o.student_last_name = r.student_last_name AND o.id <> r.id "
        "AND o.status <> 'rejected' "
        "JOIN class_placements p ON p.registration_id = o.id AND p.school_id = o.school_id "
        "WHERE r.school_id = %s AND r.id IN %s ORDER BY o.id",
        (school_id, ids),
    )
    found: dict[int, list[tuple[int, int]]] = {}
    for row in cursor.fetchall():
        found.setdefault(row["id"], []).append((row["other_id"], row["schedule_id"]))
    return found
