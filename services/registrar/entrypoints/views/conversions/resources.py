"""POST /api/admin/self-registration/promote (a registrar's action): converting an approved
registration into a student. The path is the contract's; the action is *convert*, as the
workspace page and the selfreg.converted event call it."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.conversions.schemas import ConversionOut, ConversionRequest
from registrar.entrypoints.views.json_only import json_only
from registrar.service_layer.conversions import convert
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
@blp.arguments(ConversionRequest)
@blp.response(200, ConversionOut)
@blp.alt_response(409, description="invalid_transition: only an approved registration converts")
def convert_registration(conversion):
    """Create the student from an approved registration and mark it converted; asking again
    answers the same student_id."""
    connection, principal = request_db("registrar"), current_principal()
    return convert(
        connection,
        principal.school_id,
        conversion["registration_id"],
        send_welcome_email=conversion["send_welcome_email"],
        actor=actor_for(connection, principal),
    )
