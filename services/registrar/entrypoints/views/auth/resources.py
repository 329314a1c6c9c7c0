"""Sign-in, who-am-I and sign-out (/api/auth)."""

from __future__ import annotations

from flask_smorest import Blueprint

from registrar.adapters.tokens_store import revoke_token
from registrar.entrypoints.access import current_principal, requires
from registrar.entrypoints.client_address import client_limit_key
from registrar.entrypoints.views.auth.schemas import SignInSchema, TokenSchema, WhoAmISchema
from registrar.entrypoints.views.json_only import json_only
from registrar.service_layer import sign_in
from shared.web import request_db

blp = Blueprint(
    "auth",
    __name__,
    url_prefix="/api/auth",
    description="Staff sign-in with e-mail and password; token checks.",
)


@blp.route("/login", methods=["POST"])
@json_only
@blp.arguments(SignInSchema)
@blp.response(200, TokenSchema)
def login(credentials):
    """Exchange e-mail and password for a token (401 when wrong, 429 when locked out)."""
    token = sign_in.sign_in(
        request_db("registrar"), credentials["email"], credentials["password"], client_limit_key()
    )
    return {"token": token}


@blp.route("/me", methods=["GET"])
@requires("viewer")
@blp.response(200, WhoAmISchema)
def me():
    """The caller's school, role and (for signed-in staff) account."""
    return sign_in.who_is(request_db("registrar"), current_principal())


@blp.route("/logout", methods=["POST"])
@requires("viewer")
@blp.response(204)
def logout():
    """Revoke the token this request carries."""
    principal = current_principal()
    revoke_token(request_db("registrar"), principal.school_id, principal.token_id)
