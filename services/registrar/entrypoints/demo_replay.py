"""Making a planned demo history happen: each step through the registrar's own use case, with
the session's clock at the step's moment (shared.db.session_clock), so the rows, the audit log
and the outbox events (and, through the relays, every consumer) date it then.

Nothing here writes a table itself: a history replayed is what staff and families doing those
things on those days would have left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from registrar.adapters import family_store
from registrar.entrypoints.demo_history import Action, Step
from registrar.service_layer.approvals import approve
from registrar.service_layer.assignments import ScheduleConflict, assign_class
from registrar.service_layer.conversions import convert
from registrar.service_layer.family import withdraw
from registrar.service_layer.lead_status import change_status
from registrar.service_layer.payments import pay
from registrar.service_layer.submissions import record_submission
from shared import db
from shared.config import Settings
from shared.family_links import FamilyLink, link_expiry, sign_family_link
from shared.registration_status import Status
from shared.signing import KeyRing

DEMO_ACTOR = "demo-seed"
MISSING_DOCUMENT = "birth certificate"
ASK_NOTE = "Please send a copy of the birth certificate."
REJECT_NOTE = "The program is full for this term."
WITHDRAW_REASON = "We are moving to another town."
# How the demo families pay: most by card, some by bank transfer, a few in cash at the desk.
PAYMENT_METHODS = ("card", "card", "card", "bank_transfer", "cash")


@dataclass(frozen=True)
class DemoClass:
    schedule_id: int
    teacher_id: int
    program: str


@dataclass
class Replay:
    """One school's replay: its connection, its classes by program, and what it has done."""

    connection: object
    settings: Settings
    school_id: int
    classes: Mapping[str, list[DemoClass]]
    done: dict[Action, int] = field(default_factory=dict)

    def submit(self, submission: dict, at: datetime) -> int:
        with db.session_clock(self.connection, at):
            registration_id, _created = record_submission(
                self.connection, self.school_id, submission, submitted_at=at
            )
        return registration_id

    def follow(self, registration_id: int, program: str, steps: list[Step], number: int) -> None:
        """Replay the steps; a step the school could not take (every class of the program is
        full) ends the story there, as it would have."""
        invoice = None
        for step in steps:
            with db.session_clock(self.connection, step.at):
                if step.action == Action.PLACE and not self._place(registration_id, program):
                    return
                if step.action == Action.APPROVE:
                    invoice = self._approve(registration_id, step.at)
                elif step.action == Action.PAY:
                    self._pay(invoice, number)
                elif step.action == Action.WITHDRAW:
                    self._withdraw(registration_id, step.at)
                elif step.action != Action.PLACE:
                    self._change(registration_id, step.action)
            self.done[step.action] = self.done.get(step.action, 0) + 1

    def _change(self, registration_id: int, action: Action) -> None:
        if action == Action.CONVERT:
            convert(
                self.connection,
                self.school_id,
                registration_id,
                send_welcome_email=True,
                actor=DEMO_ACTOR,
            )
            return
        status, note, missing = {
            Action.REVIEW: (Status.IN_REVIEW, None, ()),
            Action.ASK_FOR_INFO: (Status.NEEDS_INFO, ASK_NOTE, (MISSING_DOCUMENT,)),
            Action.INFO_RECEIVED: (Status.IN_REVIEW, "The birth certificate arrived.", ()),
            Action.REJECT: (Status.REJECTED, REJECT_NOTE, ()),
        }[action]
        change_status(
            self.connection,
            self.school_id,
            registration_id,
            status,
            DEMO_ACTOR,
            note=note,
            missing=missing,
        )

    def _withdraw(self, registration_id: int, at: datetime) -> None:
        """The family withdraws from its page, opened by the link its last e-mail carried."""
        with self.connection.cursor() as cursor:
            row = family_store.registration_for_family(cursor, self.school_id, registration_id)
        keys = KeyRing.of(self.settings)
        link = FamilyLink(self.school_id, registration_id, row["guardian_email"], link_expiry(at))
        withdraw(
            self.connection,
            keys,
            sign_family_link(keys, link),
            at,
            version=row["version"],
            reason=WITHDRAW_REASON,
        )

    def _place(self, registration_id: int, program: str) -> bool:
        for demo_class in self.classes.get(program, ()):
            try:
                assign_class(
                    self.connection,
                    self.school_id,
                    registration_id,
                    demo_class.teacher_id,
                    demo_class.schedule_id,
                    DEMO_ACTOR,
                )
                return True
            except ScheduleConflict:
                continue
        return False

    def _approve(self, registration_id: int, at: datetime) -> dict:
        return approve(
            self.connection,
            self.settings,
            self.school_id,
            registration_id,
            send_invoice=True,
            send_autopay_link=True,
            actor=DEMO_ACTOR,
            now=at,
        )

    def _pay(self, invoice: dict, number: int) -> None:
        method = PAYMENT_METHODS[number % len(PAYMENT_METHODS)]
        pay(
            self.connection,
            self.settings,
            self.school_id,
            invoice["id"],
            invoice["amount_minor"],
            method,
            f"DEMO-{invoice['number']}",
            DEMO_ACTOR,
        )
