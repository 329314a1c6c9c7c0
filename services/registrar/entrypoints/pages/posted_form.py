"""What the workspace's forms post, read from the form: the registration's version it was
shown with, the class chosen, the board's saved filters, the ticked boxes. A missing or
broken part is refused as invalid input, with the field named."""

from __future__ import annotations

from marshmallow import ValidationError

from registrar.entrypoints.pages.board_filters import board_params, positive_int
from shared.errors import InvalidInput


def validated(schema, data: dict) -> dict:
    """The data as the API's own schema loads it."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput("some fields are invalid", details={"fields": exc.messages}) from None


def version(form) -> int:
    """The version the form was shown with: every form carries it (stale detection)."""
    number = positive_int(form.get("version"))
    if number is None:
        raise InvalidInput.of_field(
            "version",
            "This form does not say which version of the registration "
            "it was made for: reload the page and try again.",
        )
    return number


def chosen_class(form) -> tuple[int | None, int | None]:
    """(schedule id, teacher id or None): a suggestion's button names its class alone."""
    suggested = positive_int(form.get("suggested_schedule_id"))
    if suggested is not None:
        return suggested, None
    return positive_int(form.get("schedule_id")), positive_int(form.get("teacher_id"))


def board(form) -> dict:
    """The board's filters the form kept, to go back to the same board."""
    return board_params(form.get("board") or "")


def ticked(form, name: str) -> bool:
    return form.get(name) == "yes"
