"""The school's staff and API tokens, for its admins (/api/admin/staff, /api/admin/tokens):
the same use cases as the staff page and `edquill user` / `edquill token`."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters import staff_store
from registrar.adapters.users_store import actor_for
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.views.json_only import json_only
from registrar.entrypoints.views.staff.schemas import (
    ApiTokenListSchema,
    DisabledChangeSchema,
    IssuedTokenSchema,
    NewStaffMemberSchema,
    NewTokenSchema,
    RoleChangeSchema,
    StaffCreatedSchema,
    StaffListSchema,
    StaffMemberSchema,
)
from registrar.service_layer import accounts, api_tokens
from shared.errors import NotFound
from shared.roles import ADMIN
from shared.web import request_db

blp = Blueprint(
    "staff",
    __name__,
    url_prefix="/api/admin",
    description="Staff accounts and API tokens of the school (admins only).",
)


@blp.route("/staff", methods=["GET"])
@requires(ADMIN)
@blp.response(200, StaffListSchema)
def list_staff():
    """Every account with its role, last sign-in and whether it is disabled."""
    return {"staff": staff_store.school_staff(request_db("registrar"), _school_id())}


@blp.route("/staff", methods=["POST"])
@requires(ADMIN)
@json_only
@blp.arguments(NewStaffMemberSchema)
@blp.response(201, StaffCreatedSchema)
def create_staff(new):
    """A new account able to sign in; 409 `email_taken` for an e-mail that has one."""
    connection = request_db("registrar")
    user_id = accounts.add_account(
        connection, _school_id(), new["email"], new["role"], new["password"], _actor()
    )
    return {"id": user_id}


@blp.route("/staff/<int:user_id>/role", methods=["PATCH"])
@requires(ADMIN)
@json_only
@blp.arguments(RoleChangeSchema)
@blp.response(200, StaffMemberSchema)
def change_role(change, user_id):
    """Another role, from the account's next request; 409 `last_admin` for the last admin."""
    accounts.set_role(request_db("registrar"), _school_id(), user_id, change["role"], _actor())
    return _member(user_id)


@blp.route("/staff/<int:user_id>/disabled", methods=["PATCH"])
@requires(ADMIN)
@json_only
@blp.arguments(DisabledChangeSchema)
@blp.response(200, StaffMemberSchema)
def change_disabled(change, user_id):
    """Disable (its sessions and tokens stop at their next request) or enable again; 409
    `last_admin` for the last admin."""
    connection = request_db("registrar")
    if change["disabled"]:
        accounts.disable_user(connection, _school_id(), user_id, _actor())
    else:
        accounts.enable_user(connection, _school_id(), user_id, _actor())
    return _member(user_id)


@blp.route("/tokens", methods=["GET"])
@requires(ADMIN)
@blp.response(200, ApiTokenListSchema)
def list_tokens():
    """Every token of the school, newest first, without its secret."""
    return {"tokens": api_tokens.listed(request_db("registrar"), _school_id())}


@blp.route("/tokens", methods=["POST"])
@requires(ADMIN)
@json_only
@blp.arguments(NewTokenSchema)
@blp.response(201, IssuedTokenSchema)
def issue_token(new):
    """A new token, in this answer only."""
    return api_tokens.issue(
        request_db("registrar"),
        _school_id(),
        new["role"],
        _actor(),
        label=new["label"],
        ttl_days=new["ttl_days"],
    )


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@requires(ADMIN)
@blp.response(204)
def revoke_token(token_id):
    """Refused from its next request; 409 `already_revoked`, 404 for another school's."""
    api_tokens.revoke(request_db("registrar"), _school_id(), token_id, _actor())


def _member(user_id: int) -> dict:
    for member in staff_store.school_staff(request_db("registrar"), _school_id()):
        if member["id"] == user_id:
            return member
    raise NotFound("staff account")


def _school_id() -> int:
    return current_principal().school_id


def _actor() -> str:
    return actor_for(request_db("registrar"), current_principal())
