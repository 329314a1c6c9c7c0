"""The registrar's lead queue, stage counts, registration detail and status changes
(/api/admin/self-registration)."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters.lead_queue_store import LeadQuery, fetch_page, stage_counts
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.json_only import json_only
from registrar.entrypoints.views.self_registrations.schemas import (
    LeadQueuePageSchema,
    LeadQueueQuerySchema,
    RegistrationDetailSchema,
    StageCountsSchema,
    StatusChangedSchema,
    StatusChangeSchema,
)
from registrar.service_layer.detail import registration_detail
from registrar.service_layer.lead_status import change_lead_status
from shared.web import request_db

blp = Blueprint(
    "self_registrations",
    __name__,
    url_prefix="/api/admin/self-registration",
    description="The registrar's workspace: queue, detail, status changes.",
)


@blp.route("", methods=["GET"])
@requires("viewer")
@blp.arguments(LeadQueueQuerySchema, location="query")
@blp.response(200, LeadQueuePageSchema)
def lead_queue(query):
    """One page of the school's registrations; follow next_cursor for the next."""
    return fetch_page(
        request_db("registrar"), LeadQuery(school_id=current_principal().school_id, **query)
    )


@blp.route("/stages", methods=["GET"])
@requires("viewer")
@blp.response(200, StageCountsSchema)
def stages():
    """How many registrations each status holds (the stage board's headers)."""
    counts = stage_counts(request_db("registrar"), current_principal().school_id)
    return {"counts": counts, "total": sum(counts.values())}


@blp.route("/<int:registration_id>", methods=["GET"])
@requires("viewer")
@blp.response(200, RegistrationDetailSchema)
def detail(registration_id):
    """Overview, documents, class, fees and history of one registration."""
    return registration_detail(
        request_db("registrar"), current_principal().school_id, registration_id
    )


@blp.route("/status", methods=["POST"])
@requires("registrar")
@json_only
@blp.arguments(StatusChangeSchema)
@blp.response(200, StatusChangedSchema)
def change_status(change):
    """Move a registration to another status (409 invalid_transition when not allowed)."""
    connection, principal = request_db("registrar"), current_principal()
    return change_lead_status(
        connection,
        principal.school_id,
        actor_for(connection, principal),
        change["registration_id"],
        change["status"],
        change["note"],
        tuple(change["missing"]),
        change["version"],
    )
