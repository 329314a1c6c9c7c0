"""POST /api/admin/self-registration/promote (a registrar's action)."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.json_only import json_only
from registrar.entrypoints.views.students.schemas import PromotionOut, PromotionRequest
from registrar.service_layer.students import promote
from shared.web import request_db

blp = Blueprint(
    "students",
    __name__,
    url_prefix="/api/admin/self-registration",
    description="Enrolling approved registrations as students.",
)


@blp.route("/promote", methods=["POST"])
@requires("registrar")
@json_only
@blp.arguments(PromotionRequest)
@blp.response(200, PromotionOut)
@blp.alt_response(409, description="invalid_transition: only an approved registration converts")
def promote_registration(promotion):
    """Create the student from an approved registration and mark it converted; asking again
    answers the same student_id."""
    connection, principal = request_db("registrar"), current_principal()
    return promote(
        connection,
        principal.school_id,
        promotion["registration_id"],
        send_welcome_email=promotion["send_welcome_email"],
        actor=actor_for(connection, principal),
    )
