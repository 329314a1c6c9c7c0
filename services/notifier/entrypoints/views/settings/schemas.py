from marshmallow import Schema, ValidationError, fields, validate

from notifier.domain.preferences import STATUS_UPDATE_CHOICES
from shared.family_links import FAMILY_LINK_LIFETIME

# Two months: a reminder later than that is about something else.
MAX_REMINDER_HOURS = 24 * 60
# A family link may work for up to a school year: longer, an old e-mail is a standing key.
MAX_FAMILY_LINK_DAYS = 365


def _clock(text: str) -> None:
    parts = text.split(":")
    if (
        len(parts) != 2
        or not all(p.isdigit() and len(p) == 2 for p in parts)
        or int(parts[0]) > 23
        or int(parts[1]) > 59
    ):
        raise ValidationError("Must be a time of day as HH:MM.")


class NoticeSettingsSchema(Schema):
    quiet_hours_start = fields.String(
        required=True,
        validate=_clock,
        metadata={
            "description": "HH:MM in the school's time zone; equal to the end: no quiet hours"
        },
    )
    quiet_hours_end = fields.String(required=True, validate=_clock)
    status_updates = fields.List(
        fields.String(validate=validate.OneOf(STATUS_UPDATE_CHOICES)),
        required=True,
        metadata={"description": "statuses whose change e-mails the family"},
    )
    reminders_enabled = fields.Boolean(required=True)
    needs_info_reminder_hours = fields.Integer(
        required=True, validate=validate.Range(1, MAX_REMINDER_HOURS)
    )
    invoice_reminder_hours = fields.Integer(
        required=True, validate=validate.Range(1, MAX_REMINDER_HOURS)
    )
    family_link_days = fields.Integer(
        load_default=FAMILY_LINK_LIFETIME.days,
        validate=validate.Range(1, MAX_FAMILY_LINK_DAYS),
        metadata={"description": "days the family link in each e-mail keeps working"},
    )
    answer_alert_email = fields.Email(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={
            "description": "a staff address e-mailed when a family answers a request for "
            "information; null (the default): no e-mail"
        },
    )


class NoticeSettingsOutSchema(NoticeSettingsSchema):
    customised = fields.Boolean(metadata={"description": "false while the defaults apply"})
