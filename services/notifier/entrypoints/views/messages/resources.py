"""The message log (/api/messages): what was sent to a family and what became of it, and
sending a failed message again."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from notifier.domain.message_log_view import Search
from notifier.entrypoints.views.messages.schemas import (
    MessagePageSchema,
    MessageQuerySchema,
    MessageSchema,
)
from notifier.service_layer import message_history, resending
from shared.remote_access import current_principal, requires
from shared.web import request_db

blp = Blueprint(
    "messages",
    __name__,
    url_prefix="/api/messages",
    description="Every message to families, whatever happened to it.",
)


@blp.route("", methods=["GET"])
@requires("viewer")
@blp.arguments(MessageQuerySchema, location="query")
@blp.response(200, MessagePageSchema)
def list_messages(query):
    """The school's messages, newest first, each with its reason; ?registration_id= for one
    registration's History, ?status= for one status, ?q= to search, ?cursor= to page on."""
    return message_history.message_page(
        request_db("notifier"),
        current_principal().school_id,
        registration_id=query.get("registration_id"),
        status=query.get("status"),
        before_id=query.get("before_id"),
        limit=query["limit"],
        search=Search.of(query.get("q")),
        cursor=query.get("cursor"),
    )


@blp.route("/<int:message_id>/resend", methods=["POST"])
@requires("admin")
@blp.response(200, MessageSchema)
@blp.alt_response(404, description="not_found: no such message in the token's school")
@blp.alt_response(
    409,
    description="not_failed: only a failed message is sent again; not_resendable: it "
    "failed before it was written",
)
def resend_message(message_id: int):
    """Send a failed message again through the sender's queue: queued, held through quiet
    hours (a reminder), or suppressed when the family's consent is missing now."""
    school_id = current_principal().school_id
    connection = request_db("notifier")
    resending.resend(
        connection,
        school_id,
        message_id,
        current_app.extensions["notifier_clock"](),
        current_app.extensions["notifier_config"].default_preferences(),
    )
    return message_history.one_message(connection, school_id, message_id)
