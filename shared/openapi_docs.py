"""What every service's /openapi.json says about errors and tokens, the same for all.

The one error shape as a schema (the answer to every error), a plugin that gives it to each
4xx a view documents without a body, and the security scheme of the Accesstoken header with
the decorator a role guard applies. shared.web builds each service's Api with them.
"""

from __future__ import annotations

import flask_smorest
from apispec import BasePlugin
from marshmallow import Schema, fields


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "stable, for programs"})
    message = fields.String(required=True, metadata={"description": "a sentence for people"})
    details = fields.Dict(
        required=True,
        metadata={"description": "what went wrong where: fields (invalid input), conflicts, ..."},
    )


class ErrorSchema(Schema):
    """The one error shape every service sends, documented as the answer to every error."""

    error = fields.Nested(ErrorDetailSchema, required=True)


# The name ErrorSchema has in every /openapi.json (its class name, less "Schema").
ERROR_COMPONENT = "Error"


class ErrorBodyPlugin(BasePlugin):
    """Gives every 4xx response that a view documents without a body (an alt_response with a
    description only) the error shape, so no error in /openapi.json is left undescribed."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            for status, response in (operation.get("responses") or {}).items():
                if (
                    str(status).startswith("4")
                    and isinstance(response, dict)
                    and "content" not in response
                    and "$ref" not in response
                ):
                    response["content"] = {"application/json": {"schema": ERROR_COMPONENT}}


# The security scheme every guarded operation names: the token in the Accesstoken header.
TOKEN_SCHEME = "Accesstoken"


def token_guard_doc(least_role: str):
    """A view's decorator saying in /openapi.json what its role guard enforces: the token in
    the Accesstoken header, 401 without a valid one, 403 for a role below least_role. The
    guards (each service's `requires`) apply it, so the spec cannot forget one."""
    return flask_smorest.Blueprint.doc(
        security=[{TOKEN_SCHEME: []}],
        responses={
            "401": {
                "description": "unauthorized: the Accesstoken header is missing, or its "
                "token is unknown, expired or revoked"
            },
            "403": {"description": f"forbidden: this needs the {least_role} role or above"},
        },
    )
