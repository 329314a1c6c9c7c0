"""The message log (/api/messages): what was sent to a family and what became of it."""

from __future__ import annotations

from flask_smorest import Blueprint

from notifier.entrypoints.views.messages.schemas import MessagePageSchema, MessageQuerySchema
from notifier.service_layer import message_history
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
    """The school's messages, newest first; ?registration_id= for one registration's History."""
    return message_history.message_page(
        request_db("notifier"),
        current_principal().school_id,
        registration_id=query.get("registration_id"),
        status=query.get("status"),
        before_id=query.get("before_id"),
        limit=query["limit"],
    )
