"""What a family's answer to a request for information must be: a needs-info registration,
at least a document or some words, within bounds. No I/O."""

from __future__ import annotations

from dataclasses import dataclass

from registrar.domain.lifecycle import StatusChange, plan_status_change
from shared.registration_status import Status

# Room for a full explanation; anything longer belongs in a document.
ANSWER_LENGTH = 4000
# A family sends a handful of papers at once (a certificate, a proof of address, a report);
# the bound also bounds one post's body (each file is checked against the document limit).
MOST_FILES_PER_ANSWER = 5


class NotAwaitingAnswer(ValueError):
    """The registration is not waiting for the family's information (any more)."""


class EmptyAnswer(ValueError):
    """Neither a document nor any words: nothing to send to the school."""


class AnswerTooLong(ValueError):
    """More words, or more files, than one answer may carry."""


@dataclass(frozen=True)
class FamilyAnswer:
    """A checked answer: its words (None when only documents are sent) and the status change
    back to the school's review."""

    text: str | None
    change: StatusChange


def plan_family_answer(status: str, text: str | None, file_count: int) -> FamilyAnswer:
    """Check an answer; raises NotAwaitingAnswer, EmptyAnswer or AnswerTooLong."""
    if status != Status.NEEDS_INFO:
        raise NotAwaitingAnswer(f"the registration is {status}, not waiting for information")
    words = (text or "").strip() or None
    if words is not None and len(words) > ANSWER_LENGTH:
        raise AnswerTooLong(f"an answer may be at most {ANSWER_LENGTH} characters")
    if file_count > MOST_FILES_PER_ANSWER:
        raise AnswerTooLong(f"an answer may carry at most {MOST_FILES_PER_ANSWER} files")
    if words is None and file_count == 0:
        raise EmptyAnswer("add a document or write an answer")
    return FamilyAnswer(words, plan_status_change(Status.NEEDS_INFO, Status.IN_REVIEW))
