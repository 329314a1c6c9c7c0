"""Domain errors leave every service in the one JSON error shape, each kind with its status."""

from __future__ import annotations

import pytest
from flask import Flask

from shared import errors
from shared.web import register_error_handlers


class ScheduleTaken(errors.Conflict):
    """A service's own kind: it answers as the kind it refines."""

    code = "schedule_taken"


def answer_to(error: Exception):
    app = Flask(__name__)
    register_error_handlers(app)

    @app.get("/")
    def refuse():
        raise error

    return app.test_client().get("/")


@pytest.mark.parametrize(
    "error, status, code",
    [
        (errors.NotFound("registration"), 404, "not_found"),
        (
            errors.Conflict("the invoice is paid", code="invoice_not_payable"),
            409,
            "invoice_not_payable",
        ),
        (errors.InvalidInput.of_field("note", "a reason is required"), 422, "validation_failed"),
        (errors.Gone("the document's file is missing"), 410, "gone"),
        (errors.TooLarge("at most 10 MB"), 413, "payload_too_large"),
        (errors.UnsupportedContent("not a PDF"), 415, "unsupported_media_type"),
        (errors.NotAllowed("the school's last admin"), 403, "forbidden"),
        (ScheduleTaken("double-booked", details={"conflicts": [1]}), 409, "schedule_taken"),
        (errors.Unauthenticated("the password is wrong"), 401, "unauthorized"),
        (errors.TooManyAttempts("too many sign-ins", retry_after=90), 429, "too_many_requests"),
    ],
)
def test_each_kind_answers_with_its_status_and_the_error_shape(error, status, code):
    answer = answer_to(error)
    assert answer.status_code == status
    assert answer.get_json() == {
        "error": {"code": code, "message": error.message, "details": error.details}
    }


def test_a_field_error_names_its_field():
    answer = answer_to(errors.InvalidInput.of_field("note", "a reason is required"))
    assert answer.get_json()["error"]["details"] == {"fields": {"note": ["a reason is required"]}}


def test_not_found_says_what_was_not_found():
    assert errors.NotFound("teacher").message == "teacher not found"


def test_too_many_attempts_says_when_to_try_again():
    answer = answer_to(errors.TooManyAttempts("too many sign-ins", retry_after=90))
    assert answer.headers["Retry-After"] == "90"
    assert answer.get_json()["error"]["details"] == {"retry_after": 90}
