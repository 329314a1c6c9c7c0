"""POST /api/admin/self-registration/waitlist, GET /api/admin/schedules/{id}/waitlist and
POST /api/admin/self-registration/unassign-class.

A registrar adds to a list and frees seats (as one places); anyone of the school (viewer and
up) may read a class's list.
"""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.json_only import json_only
from registrar.entrypoints.views.waitlist.schemas import (
    UnassignOut,
    UnassignRequest,
    WaitlistEntryOut,
    WaitlistPositionOut,
    WaitlistRequest,
)
from registrar.service_layer import waitlist
from shared.web import request_db

blp = Blueprint(
    "waitlist",
    __name__,
    url_prefix="/api/admin",
    description="Full classes' waitlists, and the seat offers made when a seat frees.",
)


@blp.route("/self-registration/waitlist", methods=["POST"])
@requires("registrar")
@json_only
@blp.arguments(WaitlistRequest)
@blp.response(200, WaitlistPositionOut)
@blp.alt_response(
    409, description="seats_available (assign the class instead), registration_closed"
)
def add(entry):
    """Put a registration on a full class's waitlist (already on it: its position)."""
    connection, principal = request_db("registrar"), current_principal()
    return waitlist.add_to_waitlist(
        connection,
        principal.school_id,
        entry["registration_id"],
        entry["schedule_id"],
        actor_for(connection, principal),
    )


@blp.route("/schedules/<int:schedule_id>/waitlist", methods=["GET"])
@requires("viewer")
@blp.response(200, WaitlistEntryOut(many=True))
def class_list(schedule_id: int):
    """The class's waitlist in order, with any open seat offer."""
    return waitlist.class_waitlist(
        request_db("registrar"), current_principal().school_id, schedule_id
    )


@blp.route("/self-registration/unassign-class", methods=["POST"])
@requires("registrar")
@json_only
@blp.arguments(UnassignRequest)
@blp.response(200, UnassignOut)
def unassign(entry):
    """Take a registration out of its class; the freed seat is offered to the waitlist."""
    connection, principal = request_db("registrar"), current_principal()
    return waitlist.unassign_class(
        connection,
        principal.school_id,
        entry["registration_id"],
        actor_for(connection, principal),
    )
