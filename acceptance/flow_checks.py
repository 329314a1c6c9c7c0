"""The criteria of a registration's way through the system: the family's submission is
enqueued with its row, reaches every consumer, and a registrar's status change makes the
notifier write to the family. One registration, tagged so a registrar can tell it apart."""

from __future__ import annotations

import time
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import datetime, timezone

from acceptance.outcome import Outcome, waited_for
from acceptance.system_http import SystemHttp
from registrar.adapters.outbox_store import last_event_id, registration_event
from registrar.adapters.schools_store import School
from shared import db
from shared.config import Settings
from shared.event_inbox import handled_at
from shared.queues import consumer_classes

# What a registrar sees on the card: who made it and why.
GUARDIAN_NAME = "Acceptance check"
SOURCE = "acceptance-check"
CLOSING_NOTE = "Acceptance check (edquill acceptance): not a family; closed by the check."
# needs_info is the status change the notifier always writes about (a transactional message,
# whatever the school chose for status e-mails).
INFO_REQUEST_NOTE = "Acceptance check (edquill acceptance): no reply needed."


@dataclass(frozen=True)
class Submission:
    registration_id: int
    event_id: str | None  # the selfreg.submitted outbox row's, when there was one
    answered_at: float  # time.monotonic() of the 201


def submit_registration(
    settings: Settings, http: SystemHttp, school: School, guardian_email: str
) -> tuple[Outcome, Submission | None]:
    """POST the public form, then look for its selfreg.submitted row at once: the insert's
    trigger writes it in the same transaction, so it is there as soon as the row is."""
    with closing(db.connect(settings, "registrar")) as connection:
        watermark = last_event_id(connection)
        status, answer = http.post(
            "registrar",
            f"/api/public/schools/{school.slug}/self-registrations",
            _registration_body(guardian_email),
        )
        answered_at = time.monotonic()
        if status != 201:
            figure = f"the public form answered {status}: {_message(answer)}"
            return Outcome("submission enqueued with its row", figure, "201", False), None
        registration_id = answer["registration_id"]
        event = registration_event(
            connection, school.id, registration_id, "selfreg.submitted", after_id=watermark
        )
    submission = Submission(registration_id, event and event["event_id"], answered_at)
    figure = f"registration {registration_id}: " + (
        f"selfreg.submitted {event['event_id']} in t_event_outbox" if event else "no outbox row"
    )
    outcome = Outcome(
        "submission enqueued with its row", figure, "its event present at the 201", bool(event)
    )
    return outcome, submission


def reaches_consumers(settings: Settings, submission: Submission, limit_s: float) -> Outcome:
    """Seconds from the 201 until every consumer's inbox holds the submitted event."""
    bound = f"every consumer within {limit_s:g} s"
    name = "event reaches every consumer"
    if submission.event_id is None:
        return Outcome(name, "not measured: no event was enqueued", bound, False)
    reached: dict[str, float] = {}
    with ExitStack() as stack:
        inboxes = {
            consumer.NAME: stack.enter_context(closing(db.connect(settings, consumer.SERVICE_DB)))
            for consumer in consumer_classes()
        }

        def every_inbox_has_it() -> bool:
            for consumer, connection in inboxes.items():
                if consumer not in reached and handled_at(
                    connection, consumer, submission.event_id
                ):
                    reached[consumer] = time.monotonic() - submission.answered_at
            return len(reached) == len(inboxes)

        waited_for(every_inbox_has_it, limit_s)
    figure = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(reached.items()))
    late = sorted(set(inboxes) - set(reached))
    if late:
        figure = (figure + "; " if figure else "") + f"not reached: {', '.join(late)}"
    return Outcome(name, figure, bound, not late)


def status_change_notifies(
    http: SystemHttp, submission: Submission, events_flow: bool, limit_s: float
) -> Outcome:
    """Ask the family for information (pending -> in_review -> needs_info) and time the
    notifier's message for it, from the change's 200 to its row in the message log."""
    name = "status change reaches the notifier"
    bound = f"its message logged within {limit_s:g} s"
    if not events_flow:
        return Outcome(name, "not measured: events are not reaching the consumers", bound, False)
    for status, note in (("in_review", None), ("needs_info", INFO_REQUEST_NOTE)):
        code, answer = _change_status(http, submission.registration_id, status, note)
        if code != 200:
            figure = f"moving to {status} answered {code}: {_message(answer)}"
            return Outcome(name, figure, bound, False)

    def info_request_message():
        page = http.get(
            "notifier", "/api/messages", {"registration_id": submission.registration_id}
        )
        return next(
            (m for m in page["messages"] if m["event_type"] == "selfreg.status.updated"), None
        )

    message, seconds = waited_for(info_request_message, limit_s)
    if message is None:
        return Outcome(name, f"no message logged after {seconds:.1f} s", bound, False)
    figure = f"{message['template']} message {message['status']} after {seconds:.1f} s"
    return Outcome(name, figure, bound, message["status"] != "failed")


def close_registration(http: SystemHttp, registration_id: int) -> None:
    """Reject the check's registration with a note saying why, so it leaves the open queue
    and no reminder about it goes out."""
    _change_status(http, registration_id, "rejected", CLOSING_NOTE)


def _change_status(http: SystemHttp, registration_id: int, status: str, note: str | None):
    body = {"registration_id": registration_id, "status": status}
    if note:
        body["note"] = note
    return http.post("registrar", "/api/admin/self-registration/status", body)


def _registration_body(guardian_email: str) -> dict:
    # The moment makes each run's submission its own: an identical one is taken as a re-sent
    # form and answered with the first one's id.
    moment = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return {
        "student_first_name": "Acceptance",
        "student_last_name": f"Check {moment}",
        "guardian_name": GUARDIAN_NAME,
        "guardian_email": guardian_email,
        "source": SOURCE,
        "consent_email": False,
    }


def _message(answer) -> str:
    try:
        return answer["error"]["message"]
    except (TypeError, KeyError):
        return "no JSON error"
