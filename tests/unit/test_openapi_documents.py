"""Each service's /openapi.json, as published (built from the views alone: nothing opened):
errors documented with the one envelope the services send, guarded operations with the token
they need. What the services really answer is held to it in
tests/integration/*/test_*_openapi.py."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from shared.config import development_settings

SERVICES = ("registrar", "dashboard", "kpi", "notifier")
# Operations anyone may call: signing in and the families' form.
PUBLIC_OPERATIONS = {
    ("post", "/api/auth/login"),
    ("post", "/api/public/schools/{slug}/self-registrations"),
}
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module", params=SERVICES)
def spec(request) -> dict:
    # The app factory `edquill serve` runs, wherever the service keeps it.
    create_app = entry_points(group="edquill.apps")[request.param].load()
    app = create_app(development_settings(), {"TESTING": True})
    return app.test_client().get("/openapi.json").get_json()


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield method, path, operation


def response_schema_ref(spec: dict, response: dict) -> str | None:
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


def test_the_error_schema_is_the_envelope_the_services_send(spec):
    schemas = spec["components"]["schemas"]
    envelope = schemas["Error"]
    detail = schemas[envelope["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]

    assert envelope["required"] == ["error"]
    assert sorted(detail["required"]) == ["code", "details", "message"]
    assert {name: field["type"] for name, field in detail["properties"].items()} == {
        "code": "string",
        "message": "string",
        "details": "object",
    }


def test_every_error_response_and_the_default_carry_the_envelope(spec):
    undescribed = [
        (method, path, status)
        for method, path, operation in operations(spec)
        for status, response in operation["responses"].items()
        if (status == "default" or status.startswith("4"))
        and response_schema_ref(spec, response) != ERROR_REF
    ]

    assert undescribed == []


def test_every_operation_but_the_public_ones_needs_the_access_token(spec):
    without_token = [
        (method, path)
        for method, path, operation in operations(spec)
        if operation.get("security") != [{"Accesstoken": []}]
    ]

    assert set(without_token) <= PUBLIC_OPERATIONS


def test_a_guarded_operation_documents_401_and_403(spec):
    undocumented = [
        (method, path)
        for method, path, operation in operations(spec)
        if operation.get("security") and not {"401", "403"} <= set(operation["responses"])
    ]

    assert undocumented == []
