"""The school's own settings (/api/admin/school): name, time zone, currency, default
language and how long a seat offer holds. Any staff role reads them; an admin replaces them,
each changed field an audit entry (registrar.service_layer.school_settings)."""

from __future__ import annotations

from dataclasses import asdict

from flask_smorest import Blueprint

from registrar.adapters.users_store import actor_for
from registrar.domain.school_settings import SchoolSettings
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.json_only import json_only
from registrar.entrypoints.views.school.schemas import SchoolSettingsSchema
from registrar.service_layer import school_settings
from shared.roles import ADMIN, VIEWER
from shared.web import request_db

blp = Blueprint(
    "school",
    __name__,
    url_prefix="/api/admin/school",
    description="The school's own settings: name, time zone, currency, language, seat holds.",
)


@blp.route("", methods=["GET"])
@requires(VIEWER)
@blp.response(200, SchoolSettingsSchema)
def get_school():
    """The token's school's settings."""
    found = school_settings.school_settings(request_db("registrar"), current_principal().school_id)
    return asdict(found)


@blp.route("", methods=["PUT"])
@requires(ADMIN)
@json_only
@blp.arguments(SchoolSettingsSchema)
@blp.response(200, SchoolSettingsSchema)
def put_school(chosen):
    """Replace the school's settings; a new time zone applies to what happens from now on."""
    connection, principal = request_db("registrar"), current_principal()
    saved = school_settings.change_school_settings(
        connection, principal.school_id, SchoolSettings(**chosen), actor_for(connection, principal)
    )
    return asdict(saved)
