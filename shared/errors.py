"""What a use case says went wrong, in its own words: no HTTP status in it.

The service layer raises these; shared.web turns each kind into the one JSON error shape
({"error": {"code", "message", "details"}}) with its status, in one place. A kind names what
happened (not found, a conflict with the state things are in, input that breaks a rule), and
`code` is the stable word programs read (`invalid_transition`, `schedule_conflict`, ...).
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the caller can act on; `details` says where (fields, conflicts, ...)."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or type(self).code
        self.details = details or {}


class NotFound(DomainError):
    """No such thing, or not the caller's school's: the two are told apart to no one."""

    code = "not_found"

    def __init__(self, what: str):
        super().__init__(f"{what} not found")


class Conflict(DomainError):
    """The request is well formed but the state things are in refuses it."""

    code = "conflict"


class InvalidInput(DomainError):
    """Input that breaks a rule; `details["fields"]` names each field at fault."""

    code = "validation_failed"

    @classmethod
    def of_field(cls, field: str, message: str) -> "InvalidInput":
        return cls("some fields are invalid", details={"fields": {field: [message]}})


class Gone(DomainError):
    """It existed and is no more (a stored file missing, a link past its time)."""

    code = "gone"


class TooLarge(DomainError):
    """More than a limit allows (an upload's size)."""

    code = "payload_too_large"


class UnsupportedContent(DomainError):
    """Content of a kind that is not accepted (an upload that is not a PDF, PNG or JPEG)."""

    code = "unsupported_media_type"


class NotAllowed(DomainError):
    """The caller may not do this (a role, a last admin)."""

    code = "forbidden"


class Unauthenticated(DomainError):
    """Who is asking is not proven (a wrong password, an unknown token)."""

    code = "unauthorized"


class TooManyAttempts(DomainError):
    """A limit on attempts is reached; `retry_after` says in how many seconds it lifts."""

    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after
