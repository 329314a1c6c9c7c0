"""The school's feature flags (/api/admin/feature-flags)."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters import flags_store
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.feature_flags.schemas import (
    FeatureFlagChangeSchema,
    FeatureFlagListSchema,
    FeatureFlagSchema,
)
from registrar.entrypoints.views.json_only import json_only
from registrar.service_layer import flags
from shared.web import request_db

blp = Blueprint(
    "feature_flags",
    __name__,
    url_prefix="/api/admin/feature-flags",
    description="Per-school switches: autopay, reminders, status_emails.",
)


@blp.route("", methods=["GET"])
@requires("viewer")
@blp.response(200, FeatureFlagListSchema)
def list_flags():
    """Every known flag with its default and this school's value."""
    return {"flags": flags_store.flags_for(request_db("registrar"), current_principal().school_id)}


@blp.route("/<key>", methods=["PUT"])
@requires("admin")
@json_only
@blp.arguments(FeatureFlagChangeSchema)
@blp.response(200, FeatureFlagSchema)
def set_flag(change, key):
    """Turn a flag on or off for this school (404 for a key that is not known)."""
    connection, principal = request_db("registrar"), current_principal()
    return flags.set_flag(
        connection, principal.school_id, key, change["enabled"], actor_for(connection, principal)
    )
