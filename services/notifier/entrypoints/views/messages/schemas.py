from marshmallow import Schema, fields, validate

from shared.api_fields import UtcDateTime

STATUSES = ("queued", "held", "sent", "failed", "suppressed", "duplicate", "collapsed", "cancelled")
# A History tab shows a registration's few messages; a page of the whole school is a screen.
MAX_PAGE = 200
DEFAULT_PAGE = 50


# The longest search worth running: an address is at most 254 characters.
MAX_SEARCH_LENGTH = 254


class MessageQuerySchema(Schema):
    registration_id = fields.Integer(validate=validate.Range(min=1))
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={
            "description": "sent; held (for the school's quiet hours); suppressed (without "
            "consent); failed; or queued, duplicate, collapsed, cancelled"
        },
    )
    q = fields.String(
        validate=validate.Length(1, MAX_SEARCH_LENGTH),
        metadata={
            "description": "a registration number, or the start of the family's address "
            "(case does not matter)"
        },
    )
    cursor = fields.String(
        validate=validate.Length(1, 200),
        metadata={"description": "the next page: a page's next_cursor"},
    )
    before_id = fields.Integer(
        validate=validate.Range(min=1),
        metadata={"description": "the next page, the older way: next_before_id"},
    )
    limit = fields.Integer(load_default=DEFAULT_PAGE, validate=validate.Range(1, MAX_PAGE))


class MessageSchema(Schema):
    id = fields.Integer()
    registration_id = fields.Integer(allow_none=True)
    event_id = fields.String(allow_none=True)
    event_type = fields.String(allow_none=True)
    reminder_id = fields.Integer(allow_none=True)
    template = fields.String(attribute="template_key")
    template_origin = fields.String(allow_none=True)
    channel = fields.String()
    purpose = fields.String(metadata={"description": "transactional, reminders or marketing"})
    recipient = fields.String()
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    subject = fields.String(allow_none=True)
    error = fields.String(
        allow_none=True,
        metadata={"description": "why it failed, was suppressed, cancelled or is being retried"},
    )
    attempts = fields.Integer()
    duplicate_of = fields.Integer(allow_none=True)
    collapsed_into = fields.Integer(allow_none=True)
    message_id = fields.String(allow_none=True, metadata={"description": "the Message-ID header"})
    hold_until = UtcDateTime(allow_none=True)
    next_attempt_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    sent_at = UtcDateTime(allow_none=True)
    reason = fields.String(
        allow_none=True,
        metadata={
            "description": "why the message is where it is, in words (held until when, the "
            "consent missing, the failure); null for one sent as it should be"
        },
    )


class MessagePageSchema(Schema):
    messages = fields.List(fields.Nested(MessageSchema))
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "the next page's cursor; null on the last"}
    )
    next_before_id = fields.Integer(allow_none=True)
