"""The school's audit trail (/api/admin/audit): newest first, filtered by registration,
person and action, keyset-paged like the lead queue."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.audit.schemas import TrailPageSchema, TrailQuerySchema
from registrar.service_layer.audit_trail import TrailQuery, trail_page
from shared.roles import VIEWER
from shared.web import request_db

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/admin/audit",
    description="Who changed what, when, from what to what.",
)


@blp.route("", methods=["GET"])
@requires(VIEWER)
@blp.arguments(TrailQuerySchema, location="query")
@blp.response(200, TrailPageSchema)
def audit_trail(query):
    """A page of the trail; 422 naming `cursor` for a cursor this API did not give out."""
    return trail_page(request_db("registrar"), TrailQuery(current_principal().school_id, **query))
