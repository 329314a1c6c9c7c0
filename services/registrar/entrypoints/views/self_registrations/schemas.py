from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from registrar.adapters.lead_queue_store import DEFAULT_SORT, MAX_PAGE, SORTS
from registrar.domain.cursors import InvalidCursor, decode_cursor
from registrar.entrypoints.views.fields import Text
from shared.api_fields import UtcDateTime
from shared.registration_status import STATUSES


class LeadFiltersSchema(Schema):
    """What selects and orders the lead queue: its page, and its export, take the same."""

    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    q = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=2, max=100),
        metadata={
            "description": "Prefix of a first name, last name or guardian e-mail; "
            "two or more words: first name then last name."
        },
    )
    sort = fields.String(
        load_default=DEFAULT_SORT,
        validate=validate.OneOf(list(SORTS)),
        metadata={"description": "A leading '-' sorts newest first."},
    )


class LeadQueueQuerySchema(LeadFiltersSchema):
    limit = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PAGE))
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={"description": "next_cursor of the previous page."},
    )

    @validates_schema
    def cursor_fits_the_sort(self, data, **kwargs):
        if not data.get("cursor"):
            return
        try:
            cursor = decode_cursor(data["cursor"])
        except InvalidCursor as exc:
            raise ValidationError(str(exc), "cursor") from None
        if cursor.sort != data["sort"]:
            raise ValidationError("this cursor belongs to another sort order", "cursor")

    @post_load
    def decode(self, data, **kwargs):
        cursor = data.pop("cursor")
        data["after"] = decode_cursor(cursor) if cursor else None
        return data


class LeadSummarySchema(Schema):
    id = fields.Integer()
    status = fields.String()
    student_first_name = fields.String()
    student_last_name = fields.String()
    guardian_email = fields.String()
    guardian_phone = fields.String(allow_none=True)
    program = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    submitted_at = UtcDateTime()
    last_activity_at = UtcDateTime()
    version = fields.Integer()


class LeadQueuePageSchema(Schema):
    items = fields.List(fields.Nested(LeadSummarySchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "null on the last page"})
    limit = fields.Integer()


class StageCountsSchema(Schema):
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Registrations per status, every status."},
    )
    total = fields.Integer()


class RegistrationOverviewSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    version = fields.Integer()
    student_first_name = fields.String()
    student_last_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    guardian_name = fields.String(allow_none=True)
    guardian_email = fields.String()
    guardian_phone = fields.String(allow_none=True)
    program = fields.String(allow_none=True)
    class_preferences = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    utm_source = fields.String(allow_none=True)
    utm_medium = fields.String(allow_none=True)
    utm_campaign = fields.String(allow_none=True)
    consent_email = fields.Boolean()
    consent_sms = fields.Boolean()
    consent_given_at = UtcDateTime(allow_none=True)
    status_note = fields.String(allow_none=True)
    info_missing = fields.List(fields.String())
    student_id = fields.Integer(allow_none=True)
    submitted_at = UtcDateTime()
    updated_at = UtcDateTime()
    last_activity_at = UtcDateTime()


class AuditEntrySchema(Schema):
    actor = fields.String()
    action = fields.String()
    old_value = fields.String(allow_none=True)
    new_value = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    created_at = UtcDateTime()


class RegistrationDetailSchema(Schema):
    overview = fields.Nested(RegistrationOverviewSchema)
    documents = fields.List(fields.Raw())
    class_ = fields.Raw(
        data_key="class",
        attribute="class",
        allow_none=True,
        metadata={"description": "The class placement, null when none."},
    )
    fees = fields.List(fields.Raw())
    history = fields.List(fields.Nested(AuditEntrySchema))


class StatusChangeSchema(Schema):
    registration_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    note = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={
            "description": "Required for needs_info (the message to the family) "
            "and rejected (the reason)."
        },
    )
    missing = fields.List(
        fields.String(validate=validate.Length(min=1, max=120)),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "What the family still has to send (needs_info only)."},
    )
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={
            "description": "The version the change was decided "
            "on; 409 stale_version if it moved on."
        },
    )


class StatusChangedSchema(Schema):
    registration_id = fields.Integer()
    from_status = fields.String()
    status = fields.String()
    version = fields.Integer()
