"""The board's filters as a page carries them: search, stage and sort from a query string or
a form's saved copy, checked by the API's own schema (so the page accepts what the API
accepts), with what was wrong said in words; and the small ids the forms post."""

from __future__ import annotations

from urllib.parse import parse_qsl

from marshmallow import ValidationError

from registrar.adapters.board_store import BOARD_PAGE_SIZE, STAGE_PAGE_SIZE
from registrar.adapters.lead_queue_store import LeadQuery
from registrar.entrypoints.views.self_registrations.schemas import LeadQueueQuerySchema

SORT_CHOICES = (
    ("-submitted_at", "Newest first"),
    ("submitted_at", "Oldest first"),
    ("-last_activity_at", "Recently active"),
    ("last_activity_at", "Longest waiting"),
)
# The board's filters: what a page keeps in its links and forms while a registrar works.
BOARD_PARAMS = ("q", "stage", "sort")


def board_query(source, school_id: int) -> tuple[LeadQuery, dict, list[str]]:
    """The board's filters from a query string (or a form's saved copy): the LeadQuery, the
    filters to keep in links, and what was wrong with them in words (the faulty ones are
    dropped). Checked by the API's own schema, so the page accepts what the API accepts."""
    params = board_params(source)
    cursor = source.get("cursor") if params.get("stage") else None
    problems: list[str] = []
    for _attempt in range(2):
        try:
            return _lead_query(school_id, params, cursor), params, problems
        except ValidationError as exc:
            for field in exc.messages:
                problems.append(_FILTER_PROBLEMS.get(field, "A filter was not understood."))
                params.pop({"status": "stage"}.get(field, field), None)
            cursor = None if "cursor" in exc.messages else cursor
    params = {}
    return _lead_query(school_id, params, None), params, problems


def _lead_query(school_id: int, params: dict, cursor: str | None) -> LeadQuery:
    raw = {
        "status": params.get("stage"),
        "q": params.get("q"),
        "sort": params.get("sort"),
        "cursor": cursor,
        "limit": STAGE_PAGE_SIZE if params.get("stage") else BOARD_PAGE_SIZE,
    }
    return LeadQuery(
        school_id=school_id,
        **LeadQueueQuerySchema().load({name: value for name, value in raw.items() if value}),
    )


_FILTER_PROBLEMS = {
    "q": "Search needs 2 to 100 characters: showing every registration instead.",
    "status": "That stage does not exist: showing every stage instead.",
    "sort": "That order is not known: showing the newest first instead.",
    "cursor": "That page link is no longer valid: showing the first page instead.",
}


def board_params(source) -> dict:
    if isinstance(source, str):
        source = dict(parse_qsl(source))
    return {
        name: source.get(name).strip()
        for name in BOARD_PARAMS
        if source.get(name) and source.get(name).strip()
    }


def positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
