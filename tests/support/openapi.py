"""Holding a service's /openapi.json to what the service really answers (schemathesis): every
operation called with examples drawn from its own documented input, each answer checked."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.config import development_settings

# No 5xx; every status documented (or covered by `default`); the body and its content type
# what the spec says for that status.
CONFORMANCE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Examples per operation: enough to reach each schema's optional fields and enums, few enough
# that one service's run stays well under a minute on a busy 2-core machine.
MAX_EXAMPLES_PER_OPERATION = 50

conformance_settings = settings(
    max_examples=MAX_EXAMPLES_PER_OPERATION,
    # A request's time varies with the machine's load; a slow answer is not a wrong one.
    deadline=None,
    # No example database: each run draws afresh rather than replaying an earlier failure.
    database=None,
    # The fixtures (a school, its token) are the same for every example of an operation.
    suppress_health_check=list(HealthCheck),
)


def published_openapi(create_app, *, positive_only: bool = False) -> schemathesis.BaseSchema:
    """The /openapi.json an app built by create_app publishes, read at collection time so
    each operation is a test of its own; the tests call the session's app (`app=`).

    The document is built from the views' declarations alone, the same whatever the
    settings, so an app on development settings (nothing opened) publishes it. Examples are
    valid and invalid input both, unless positive_only (valid input, no token drawn)."""
    app = create_app(development_settings(), {"TESTING": True})
    schema = schemathesis.openapi.from_dict(app.test_client().get("/openapi.json").get_json())
    if positive_only:
        schema.config.generation.update(
            modes=[GenerationMode.POSITIVE], with_security_parameters=False
        )
    return schema


def assert_token_required_as_documented(case, app) -> None:
    """Called without a token, an operation that declares the Accesstoken scheme answers 401
    unauthorized, and one that does not declare it never does."""
    operation = case.operation.schema.raw_schema["paths"][case.operation.path][case.method.lower()]
    response = case.call(app=app)
    asked_for_token = response.status_code == 401 and response.json()["error"]["code"] == (
        "unauthorized"
    )

    assert asked_for_token == bool(operation.get("security")), (
        f"{case.method} {case.operation.path}: {response.status_code} {response.text[:200]}"
    )


def with_known_values(case, known: dict[str, object]) -> None:
    """Point the case at objects that exist: each parameter or JSON body field it sends that
    `known` names (registration_id, a template's key, ...) takes the known value. Drawn ids
    and keys would nearly all be 404s."""
    for where in (
        case.path_parameters,
        case.query,
        case.body if isinstance(case.body, dict) else None,
    ):
        for name in set(known) & set(where or {}):
            where[name] = known[name]


# Whether an operation asks for a token does not depend on its input: a few examples suffice.
token_settings = settings(conformance_settings, max_examples=3)
