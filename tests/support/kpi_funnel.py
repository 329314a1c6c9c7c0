"""A scripted funnel over three local days of a New York school: ten submissions, reviews,
an info request, approvals and rejections, invoices, autopay, payments and conversions, each
at a chosen time, so a test can work out the figures by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from shared.events import Event
from tests.support.kpi import (
    autopay_enrolled,
    converted,
    invoice_event,
    school_created,
    status_changed,
    submitted,
    utc,
)

NEW_YORK = "America/New_York"  # UTC-5 in November: local 09:00 is 14:00 UTC
DAY_1, DAY_2, DAY_3 = date(2025, 11, 10), date(2025, 11, 11), date(2025, 11, 12)

SOURCES = {**dict.fromkeys(range(1, 7), "web"), **dict.fromkeys(range(7, 10), "Fair"), 10: None}
REVIEWED = range(1, 9)
INFO_REQUESTED = (8,)
APPROVED = range(1, 6)
REJECTED = (6, 7)
AUTOPAY = (1, 2)
PAID = (1, 2, 3)
CONVERTED = range(1, 5)


@dataclass
class Funnel:
    school_id: int
    events: list[Event] = field(default_factory=list)
    submitted_at: dict[int, datetime] = field(default_factory=dict)
    decided_at: dict[int, datetime] = field(default_factory=dict)
    amounts: dict[int, int] = field(default_factory=dict)

    def invoice_id(self, registration: int) -> int:
        return self.school_id % 10**6 * 100 + registration


def scripted_funnel(school_id: int) -> Funnel:
    funnel = Funnel(school_id)
    add = funnel.events.append
    add(school_created(school_id, timezone_name=NEW_YORK, currency="USD"))
    for registration, source in SOURCES.items():  # day 1, from 09:01 local
        funnel.submitted_at[registration] = utc(2025, 11, 10, 14, registration)
        add(submitted(school_id, registration, funnel.submitted_at[registration], source))
    for registration in REVIEWED:  # day 1, 15:00 local
        add(
            status_changed(
                school_id, registration, "pending", "in_review", utc(2025, 11, 10, 20, registration)
            )
        )
    for registration in INFO_REQUESTED:  # day 2
        add(
            status_changed(
                school_id, registration, "in_review", "needs_info", utc(2025, 11, 11, 14, 0)
            )
        )
    for registration in (*APPROVED, *REJECTED):  # day 2, from 10:00 local, a decision an hour
        decided = utc(2025, 11, 11, 15) + timedelta(hours=registration - 1)
        funnel.decided_at[registration] = decided
        to_status = "approved" if registration in APPROVED else "rejected"
        add(status_changed(school_id, registration, "in_review", to_status, decided))
    for registration in APPROVED:  # invoiced on approval, day 2
        funnel.amounts[registration] = 18_000 + 1_000 * registration
        add(
            invoice_event(
                "invoice.issued",
                school_id,
                registration,
                funnel.invoice_id(registration),
                funnel.amounts[registration],
                funnel.decided_at[registration] + timedelta(seconds=1),
            )
        )
    for registration in AUTOPAY:  # day 2, evening
        add(
            autopay_enrolled(
                school_id,
                registration,
                funnel.invoice_id(registration),
                utc(2025, 11, 11, 23, registration),
            )
        )
    for registration in PAID:  # day 3
        add(
            invoice_event(
                "invoice.paid",
                school_id,
                registration,
                funnel.invoice_id(registration),
                funnel.amounts[registration],
                utc(2025, 11, 12, 15, registration),
            )
        )
    for registration in CONVERTED:  # day 3: the status change and the converted event
        at = utc(2025, 11, 12, 16, registration)
        add(status_changed(school_id, registration, "approved", "converted", at))
        add(converted(school_id, registration, at))
    return funnel
