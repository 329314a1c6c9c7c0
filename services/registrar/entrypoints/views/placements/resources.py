"""POST /api/admin/self-registration/assign-class and GET .../assign-class/check.

A registrar places; anyone of the school (viewer and up) may ask what a placement would hit.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask_smorest import Blueprint

from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.json_only import json_only
from registrar.entrypoints.views.placements.schemas import (
    PlacementCheckOut,
    PlacementOut,
    PlacementQuery,
    PlacementRequest,
)
from registrar.service_layer.assignments import assign_class, check_assignment
from shared.web import request_db

blp = Blueprint(
    "placements",
    __name__,
    url_prefix="/api/admin/self-registration",
    description="Placing registrations in classes, refusing double bookings.",
)


@blp.route("/assign-class", methods=["POST"])
@requires("registrar")
@json_only
@blp.arguments(PlacementRequest)
@blp.response(200, PlacementOut)
@blp.alt_response(
    409, description="schedule_conflict (details.conflicts lists each) or registration_closed"
)
def assign(placement):
    """Place a registration in a class, or move it there (409 schedule_conflict when the class
    is full, its teacher teaches a clashing class, or the child sits in a clashing class)."""
    connection, principal = request_db("registrar"), current_principal()
    return assign_class(
        connection,
        principal.school_id,
        placement["registration_id"],
        placement["teacher_id"],
        placement["schedule_id"],
        actor_for(connection, principal),
    )


@blp.route("/assign-class/check", methods=["GET"])
@requires("viewer")
@blp.arguments(PlacementQuery, location="query")
@blp.response(200, PlacementCheckOut)
def check(placement):
    """The conflicts the placement would meet now, and free classes of the same teacher or
    program to offer instead."""
    return check_assignment(
        request_db("registrar"),
        current_principal().school_id,
        placement["registration_id"],
        placement["teacher_id"],
        placement["schedule_id"],
        datetime.now(timezone.utc).date(),
    )
