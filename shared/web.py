"""What every EdQuill HTTP service shares: the one JSON error shape, the OpenAPI-backed Api
(what its /openapi.json says of errors and tokens: shared.openapi_docs), health and metrics
endpoints, a database connection per request (shared.request_db), and forwarded headers
believed from trusted proxies only (shared.trusted_proxies).

Errors always leave as {"error": {"code", "message", "details"}}: the service layer's domain
errors (shared.errors, each kind with its status here), raised ApiErrors, webargs
validation (422 with the fields at fault), bad JSON (400), unknown routes (404) and crashes
(500, logged, nothing leaked).
"""

from __future__ import annotations

import logging
from typing import Any

import pymysql
from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from shared import errors
from shared.config import Settings
from shared.metrics import ScrapeTimeMetrics, metrics_payload, register_request_metrics
from shared.openapi_docs import TOKEN_SCHEME, ErrorBodyPlugin, ErrorSchema
from shared.request_db import drop_thread_connections, request_db
from shared.request_db import lag_tolerant_read as lag_tolerant_read
from shared.request_db import release_request_db as release_request_db
from shared.trusted_proxies import TrustedProxyFix
from shared.worker import DATABASE_ERRORS

log = logging.getLogger(__name__)

# Largest request body any API accepts (uploads have their own, larger limit where needed).
MAX_JSON_BODY_BYTES = 64 * 1024


class ApiError(Exception):
    """An error with its HTTP status, a stable code for programs and a sentence for people."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}
        self.headers = headers or {}


# Each kind of domain error's status: the one place the service layer's refusals meet HTTP.
DOMAIN_ERROR_STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.InvalidInput: 422,
    errors.Gone: 410,
    errors.TooLarge: 413,
    errors.UnsupportedContent: 415,
    errors.NotAllowed: 403,
    errors.Unauthenticated: 401,
    errors.TooManyAttempts: 429,
}


def domain_error_headers(error: errors.DomainError) -> dict[str, str]:
    """What HTTP says of a domain error beyond its status: when to try again."""
    if isinstance(error, errors.TooManyAttempts):
        return {"Retry-After": str(error.retry_after)}
    return {}


def domain_error_status(error: errors.DomainError) -> int:
    """The status of the nearest kind in the error's class hierarchy; 400 for a bare one."""
    for kind in type(error).__mro__:
        if kind in DOMAIN_ERROR_STATUS:
            return DOMAIN_ERROR_STATUS[kind]
    return 400


def error_response(
    status: int, code: str, message: str, details: dict | None = None, headers: dict | None = None
) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}


class EdquillApi(Api):
    """flask-smorest's Api with the contract's error shape, in its answers and its spec."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        fields = data.get("errors") or data.get("messages")
        status = error.code or 500
        code = _HTTP_CODES.get(status, "error")
        message = data.get("message") or error.description or error.name
        details: dict[str, Any] = {}
        if status == 400 and fields and "Invalid JSON body." in str(fields):
            return error_response(400, "invalid_json", "the request body is not valid JSON")
        if fields:
            # webargs nests messages by location ({"json": {...}}); callers want the fields.
            if (
                isinstance(fields, dict)
                and len(fields) == 1
                and next(iter(fields))
                in ("json", "query", "form", "files", "headers", "view_args", "path")
            ):
                fields = next(iter(fields.values()))
            details["fields"] = fields
            message = "some fields are invalid"
        return error_response(status, code, message, details, dict(data.get("headers") or {}))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error_response(error.status, error.code, error.message, error.details, error.headers)

    @app.errorhandler(errors.DomainError)
    def _domain_error(error: errors.DomainError):
        return error_response(
            domain_error_status(error),
            error.code,
            error.message,
            error.details,
            domain_error_headers(error),
        )

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return current_app.extensions["edquill_api"].handle_http_exception(error)
        if isinstance(error, DATABASE_ERRORS):
            drop_thread_connections()
            log.warning("database unavailable: %s", error)
            return error_response(
                503, "database_unavailable", "the database is not answering; try again shortly"
            )
        log.exception("unhandled error")
        return error_response(500, "internal_error", "something went wrong on our side")


def create_api(app: Flask, title: str) -> EdquillApi:
    app.config.setdefault("API_TITLE", title)
    app.config.setdefault("API_VERSION", "2.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    # Flask's defaults hold MAX_CONTENT_LENGTH = None, so setdefault would never apply it.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_JSON_BODY_BYTES
    api = EdquillApi(
        app,
        spec_kwargs={
            "extra_plugins": [ErrorBodyPlugin()],
            "components": {
                "securitySchemes": {
                    TOKEN_SCHEME: {"type": "apiKey", "in": "header", "name": "Accesstoken"}
                }
            },
        },
    )
    app.extensions["edquill_api"] = api
    believe_trusted_proxies(app)
    register_error_handlers(app)
    register_request_metrics(app)
    return api


def believe_trusted_proxies(app: Flask) -> None:
    """X-Forwarded-For, -Proto and -Host applied when the peer is in EDQUILL_TRUSTED_PROXIES:
    request.remote_addr, request.is_secure and request.host then describe the client's own
    request. Every service's app passes through create_api, so all believe the same peers."""
    settings: Settings = app.config["EDQUILL_SETTINGS"]
    app.wsgi_app = TrustedProxyFix(app.wsgi_app, settings.proxy_networks)


def require_json_body() -> None:
    """Refuse a request body that is not JSON (400), before a view parses it.

    webargs reads a body of another type as "no body", which would answer a form post with
    "required field missing"; this names the real fault. A JSON body that does not parse is
    refused by the parser itself (400 invalid_json).
    """
    if (
        request.method in ("POST", "PUT", "PATCH")
        and request.content_length
        and not request.is_json
    ):
        raise ApiError(
            400, "invalid_json", "the request body must be JSON (Content-Type: application/json)"
        )


def operations_blueprint(
    service: str, read_at_scrape: ScrapeTimeMetrics | None = None
) -> Blueprint:
    """GET /healthz (the database answers) and GET /metrics (Prometheus), with the service's
    own figures `read_at_scrape` (in the request, so request_db serves them)."""
    blueprint = Blueprint("operations", __name__)

    @blueprint.get("/healthz")
    def healthz():
        try:
            with request_db(service).cursor() as cursor:
                cursor.execute("SELECT 1")
        except pymysql.err.Error as exc:
            return error_response(503, "unhealthy", f"database unavailable: {exc.args[-1]}")
        return jsonify({"status": "ok", "service": service})

    @blueprint.get("/metrics")
    def metrics():
        body, content_type = metrics_payload(read_at_scrape)
        return Response(body, content_type=content_type)

    return blueprint
