"""The family's self-registration form posts here; no token (/api/public)."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.entrypoints.client_address import client_limit_key
from registrar.entrypoints.views.json_only import json_only
from registrar.entrypoints.views.public_registrations.schemas import (
    RegistrationCreatedSchema,
    SelfRegistrationSchema,
)
from registrar.service_layer.submissions import submit_public
from shared.web import request_db

blp = Blueprint(
    "public_self_registrations",
    __name__,
    url_prefix="/api/public",
    description="What families reach without signing in.",
)


@blp.route("/schools/<slug>/self-registrations", methods=["POST"])
@json_only
@blp.arguments(SelfRegistrationSchema)
@blp.response(201, RegistrationCreatedSchema)
@blp.alt_response(
    200,
    schema=RegistrationCreatedSchema,
    description="The same submission was received before: its registration.",
)
def submit(submission, slug):
    """Submit a self-registration (201), or re-send one already received (200, same id)."""
    registration_id, created = submit_public(
        request_db("registrar"), slug, submission, client_limit_key()
    )
    return {"registration_id": registration_id}, 201 if created else 200
