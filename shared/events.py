"""The event envelope and the catalogue of event types.

Every message on the exchange is one `Event`, serialised as the contract's JSON body. The
catalogue names each type and the payload fields a consumer may rely on; `Event.from_json`
rejects anything else with `MalformedEvent`, whose message says what is wrong.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

SELF_REGISTRATION = "self_registration"


class EventType:
    """The event types, as the contract names them (plain strings: they are routing keys,
    outbox column values and JSON as they are)."""

    SUBMITTED = "selfreg.submitted"
    STATUS_UPDATED = "selfreg.status.updated"
    CONVERTED = "selfreg.converted"
    CLASS_ASSIGNED = "selfreg.class.assigned"
    WELCOME_REQUESTED = "selfreg.welcome.requested"
    FAMILY_LINK_REQUESTED = "selfreg.family_link.requested"
    WAITLISTED = "selfreg.waitlisted"
    SEAT_OFFERED = "selfreg.seat.offered"
    SEAT_ACCEPTED = "selfreg.seat.accepted"
    SEAT_DECLINED = "selfreg.seat.declined"
    SEAT_EXPIRED = "selfreg.seat.expired"
    INFO_PROVIDED = "selfreg.info.provided"
    INVOICE_ISSUED = "invoice.issued"
    INVOICE_PAID = "invoice.paid"
    AUTOPAY_ENROLLED = "invoice.autopay.enrolled"
    SCHOOL_CREATED = "school.created"
    SCHOOL_UPDATED = "school.updated"
    STAFF_INVITED = "staff.invited"


# A staff invitation's events (aggregate_type "staff_invitation", aggregate_id its id).
STAFF_INVITATION = "staff_invitation"

# The events about a school itself (aggregate_type "school"), which keep directories current.
SCHOOL_EVENTS = frozenset({EventType.SCHOOL_CREATED, EventType.SCHOOL_UPDATED})

# event type -> payload fields every such event carries (more fields may follow).
CATALOGUE: Mapping[str, frozenset[str]] = {
    EventType.SUBMITTED: frozenset({"registration_id", "status"}),
    EventType.STATUS_UPDATED: frozenset({"registration_id", "from_status", "to_status"}),
    EventType.CONVERTED: frozenset({"registration_id", "student_id"}),
    EventType.CLASS_ASSIGNED: frozenset({"registration_id", "schedule_id", "teacher_id"}),
    # Enqueued right after selfreg.converted when the registrar asks for the welcome e-mail
    # (the converted event comes from a trigger, which cannot know that choice).
    EventType.WELCOME_REQUESTED: frozenset({"registration_id", "student_id", "guardian_email"}),
    # A family asked on /family for fresh links: one event per open registration of the
    # address, which the notifier answers with the registration's family link (never carried).
    EventType.FAMILY_LINK_REQUESTED: frozenset({"registration_id", "guardian_email", "status"}),
    # A full class's waitlist and the seat offers made from it (registrar service_layer
    # waitlist / seat_offers); an offer holds its seat until expires_at.
    EventType.WAITLISTED: frozenset(
        {"registration_id", "schedule_id", "position", "guardian_email", "language"}
    ),
    EventType.SEAT_OFFERED: frozenset(
        {
            "registration_id",
            "schedule_id",
            "offer_id",
            "expires_at",
            "class",
            "guardian_email",
            "language",
        }
    ),
    EventType.SEAT_ACCEPTED: frozenset({"registration_id", "schedule_id", "offer_id"}),
    EventType.SEAT_DECLINED: frozenset({"registration_id", "schedule_id", "offer_id"}),
    EventType.SEAT_EXPIRED: frozenset({"registration_id", "schedule_id", "offer_id", "expires_at"}),
    # The family answered a request for information on its page (documents and/or words;
    # `answered` says whether words came, never what they are). The status change back to
    # in_review follows as its own selfreg.status.updated.
    EventType.INFO_PROVIDED: frozenset(
        {"registration_id", "document_ids", "answered", "guardian_email", "language"}
    ),
    EventType.INVOICE_ISSUED: frozenset(
        {"registration_id", "invoice_id", "amount_minor", "currency"}
    ),
    EventType.INVOICE_PAID: frozenset(
        {"registration_id", "invoice_id", "amount_minor", "currency"}
    ),
    # A guardian confirmed autopay for an invoice (the KPI service counts autopay enrolments).
    EventType.AUTOPAY_ENROLLED: frozenset({"registration_id", "invoice_id"}),
    # From the registrar's schools table (aggregate_type "school"): consumers keep their own
    # directory of schools (name, time zone, currency) instead of reading the registrar's.
    EventType.SCHOOL_CREATED: frozenset({"school_id", "name", "slug", "timezone", "currency"}),
    EventType.SCHOOL_UPDATED: frozenset({"school_id", "name", "slug", "timezone", "currency"}),
    # An admin invited a colleague (registrar service_layer staff_invitations): the notifier
    # e-mails the address a link it signs itself from these ids; the event never carries it.
    EventType.STAFF_INVITED: frozenset({"invitation_id", "email", "role", "expires_at"}),
}


class MalformedEvent(ValueError):
    """An event body or outbox row that no consumer could use; retrying will not help."""


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    school_id: int
    aggregate_type: str
    aggregate_id: int
    occurred_at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def new(
        cls,
        event_type: str,
        school_id: int,
        aggregate_id: int,
        payload: Mapping[str, Any],
        *,
        aggregate_type: str = SELF_REGISTRATION,
        occurred_at: datetime | None = None,
    ) -> "Event":
        event = cls(
            str(uuid.uuid4()),
            event_type,
            school_id,
            aggregate_type,
            aggregate_id,
            occurred_at or datetime.now(timezone.utc),
            dict(payload),
        )
        event.validate()
        return event

    def validate(self) -> None:
        if not isinstance(self.event_type, str):
            raise MalformedEvent("event_type must be a string")
        required = CATALOGUE.get(self.event_type)
        if required is None:
            raise MalformedEvent(f"unknown event type {self.event_type!r}")
        if not isinstance(self.payload, Mapping):
            raise MalformedEvent("payload must be a JSON object")
        if not isinstance(self.aggregate_type, str):
            raise MalformedEvent("aggregate_type must be a string")
        missing = sorted(required - self.payload.keys())
        if missing:
            raise MalformedEvent(f"{self.event_type} payload lacks {', '.join(missing)}")
        if not isinstance(self.school_id, int) or isinstance(self.school_id, bool):
            raise MalformedEvent("school_id must be an integer")
        if not isinstance(self.aggregate_id, int) or isinstance(self.aggregate_id, bool):
            raise MalformedEvent("aggregate_id must be an integer")
        try:
            uuid.UUID(self.event_id)
        except (ValueError, AttributeError, TypeError):
            raise MalformedEvent(f"event_id {self.event_id!r} is not a UUID") from None

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "event_id": self.event_id,
                "event_type": self.event_type,
                "school_id": self.school_id,
                "aggregate_type": self.aggregate_type,
                "aggregate_id": self.aggregate_id,
                "occurred_at": format_timestamp(self.occurred_at),
                "payload": self.payload,
            },
            separators=(",", ":"),
            default=str,
        ).encode()

    @classmethod
    def from_json(cls, body: bytes | str) -> "Event":
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedEvent(f"body is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise MalformedEvent("body must be a JSON object")
        missing = sorted(
            {"event_id", "event_type", "school_id", "aggregate_id", "occurred_at", "payload"}
            - data.keys()
        )
        if missing:
            raise MalformedEvent(f"envelope lacks {', '.join(missing)}")
        event = cls(
            event_id=data["event_id"],
            event_type=data["event_type"],
            school_id=data["school_id"],
            aggregate_type=data.get("aggregate_type", SELF_REGISTRATION),
            aggregate_id=data["aggregate_id"],
            occurred_at=parse_timestamp(data["occurred_at"]),
            payload=data["payload"],
        )
        event.validate()
        return event


def school_event_from_snapshot(event: Event) -> Event | None:
    """The school.updated an event implies when its payload carries its school's snapshot.

    Registration and invoice events carry {"school": {name, slug, timezone, currency}} so a
    consumer can keep its directory of schools current from whichever event comes first.
    """
    snapshot = event.payload.get("school")
    if not isinstance(snapshot, Mapping) or event.event_type in SCHOOL_EVENTS:
        return None
    implied = Event(
        event.event_id,
        EventType.SCHOOL_UPDATED,
        event.school_id,
        "school",
        event.school_id,
        event.occurred_at,
        {**snapshot, "school_id": event.school_id},
    )
    implied.validate()
    return implied


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a Z, as the contract's envelope shows."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: Any) -> datetime:
    if not isinstance(text, str):
        raise MalformedEvent("occurred_at must be an ISO 8601 string")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedEvent(f"occurred_at {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
