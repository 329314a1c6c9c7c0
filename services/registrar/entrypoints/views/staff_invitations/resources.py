"""Invitations to the school's staff, for its admins (/api/admin/staff/invitations): the same
use cases as the staff page's Invite form (registrar.service_layer.staff_invitations)."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters import invitations_store
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.invitation_clock import invitation_now
from registrar.entrypoints.views.json_only import json_only
from registrar.entrypoints.views.staff_invitations.schemas import (
    InvitationCreatedSchema,
    InvitationListSchema,
    NewInvitationSchema,
)
from registrar.service_layer import staff_invitations
from shared.roles import ADMIN
from shared.web import request_db

blp = Blueprint(
    "staff_invitations",
    __name__,
    url_prefix="/api/admin/staff/invitations",
    description="Invitations to join the school's staff by e-mail (admins only).",
)


@blp.route("", methods=["GET"])
@requires(ADMIN)
@blp.response(200, InvitationListSchema)
def list_invitations():
    """The open invitations, newest first (an expired one stays listed until replaced)."""
    return {"invitations": invitations_store.open_invitations(request_db("registrar"), _school())}


@blp.route("", methods=["POST"])
@requires(ADMIN)
@json_only
@blp.arguments(NewInvitationSchema)
@blp.response(201, InvitationCreatedSchema)
def invite(new):
    """E-mail the address a one-time link to set the password of a new account with this
    role; it replaces the address's earlier invitation. 409 `email_taken` for an address
    that has an account already."""
    return staff_invitations.invite(
        request_db("registrar"), _school(), new["email"], new["role"], _actor(), invitation_now()
    )


@blp.route("/<int:invitation_id>", methods=["DELETE"])
@requires(ADMIN)
@blp.response(204)
def cancel(invitation_id):
    """Its link stops working; 409 `invitation_closed` when it is no longer open, 404 for
    another school's."""
    staff_invitations.cancel(
        request_db("registrar"), _school(), invitation_id, _actor(), invitation_now()
    )


def _school() -> int:
    return current_principal().school_id


def _actor() -> str:
    return actor_for(request_db("registrar"), current_principal())
