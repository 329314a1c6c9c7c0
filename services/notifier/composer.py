"""Writing a message into the log: consent, rendering and the row, in the caller's transaction.

Whatever stops a message (no address, no consent, a template that fails) is logged as the
message's fate; nothing here raises for it. What the sender later needs (subject, bodies,
Message-ID, From name) is fixed now, so a resend sends the same message; only its bearer links
(unsubscribe, autopay) are placeholders here, signed by the sender when it sends
(notifier.domain.link_placeholders).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from notifier import message_log
from notifier.config import NotifierConfig
from notifier.consent_store import consent_state
from notifier.domain.consent import Purpose, consent_decision
from notifier.domain.link_placeholders import UNSUBSCRIBE_PLACEHOLDER, without_signed_links
from notifier.message_log import LogEntry, Logged
from notifier.rendering import Renderer, TemplateFailed
from notifier.school_directory import School
from notifier.template_store import TemplateStore

NO_ADDRESS = "(none)"


@dataclass(frozen=True)
class Draft:
    """A message to write: which template, to whom, why, and with what variables."""
    template: str
    purpose: Purpose
    recipient: str | None
    context: dict
    registration_id: int | None = None
    dedupe_key: str | None = None
    event_id: str | None = None
    event_type: str | None = None
    reminder_id: int | None = None


class Composer:
    def __init__(self, config: NotifierConfig, templates: TemplateStore, renderer: Renderer):
        self._config = config
        self._templates = templates
        self._renderer = renderer

    def compose(self, cursor, school: School, draft: Draft, now: datetime, *,
                hold_until: datetime | None = None) -> Logged:
        """Log the draft as queued (or held until `hold_until`), or as why it cannot go."""
        entry = dict(school_id=school.id, template_key=draft.template,
                     purpose=draft.purpose.value, recipient=draft.recipient or NO_ADDRESS,
                     now=now, registration_id=draft.registration_id, event_id=draft.event_id,
                     event_type=draft.event_type, reminder_id=draft.reminder_id,
                     dedupe_key=draft.dedupe_key)
        if draft.recipient is None:
            return message_log.insert_message(cursor, LogEntry(
                **entry, status=message_log.FAILED,
                error="the event carries no valid recipient address"))
        decision = consent_decision(draft.purpose, None if draft.purpose is Purpose.TRANSACTIONAL
                                    else consent_state(cursor, school.id, draft.recipient,
                                                       draft.purpose))
        if not decision.send:
            return message_log.insert_message(cursor, LogEntry(
                **entry, status=message_log.SUPPRESSED, error=decision.reason))
        kept = without_signed_links(draft.context)
        context = self.context_for(school, kept)
        source = self._templates.source(cursor, school.id, draft.template,
                                        school_has_own=school.has_own_templates)
        try:
            rendered = self._renderer.render(source, context)
        except TemplateFailed as exc:
            return message_log.insert_message(cursor, LogEntry(
                **entry, status=message_log.FAILED, template_origin=source.origin,
                error=str(exc)))
        held = hold_until is not None and hold_until > now
        return message_log.insert_message(cursor, LogEntry(
            **entry, status=message_log.HELD if held else message_log.QUEUED,
            template_origin=source.origin, message_id=self.new_message_id(),
            from_name=school.name, subject=rendered.subject, body_text=rendered.text,
            body_html=rendered.html, context=kept,
            next_attempt_at=None if held else now, hold_until=hold_until if held else None))

    def context_for(self, school: School, context: dict) -> dict:
        """What the templates see: the draft's variables, the school's name and the
        unsubscribe link's placeholder."""
        return {**context, "school_name": school.name, "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}

    def new_message_id(self) -> str:
        return f"<{uuid.uuid4().hex}@{self._config.mail_domain}>"
