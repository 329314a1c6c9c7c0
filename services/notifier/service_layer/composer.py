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

from notifier.adapters import message_log_store
from notifier.adapters.catalogs import family_locale
from notifier.adapters.consent_store import decision_for
from notifier.adapters.message_log_store import LogEntry, Logged
from notifier.adapters.school_store import School
from notifier.adapters.template_store import TemplateStore
from notifier.config import NotifierConfig
from notifier.domain.consent import Purpose
from notifier.domain.link_placeholders import (
    UNSUBSCRIBE_PLACEHOLDER,
    confirmation_placeholder,
    without_signed_links,
)
from notifier.domain.rendering import Renderer, TemplateFailed
from shared.locales import choose_language

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
    # A digest: each member's consent (its own registration's) was checked in this
    # transaction as it was released; the digest itself is about no one registration.
    consent_already_checked: bool = False


class Composer:
    def __init__(
        self,
        config: NotifierConfig,
        templates: TemplateStore,
        renderer: Renderer,
        *,
        mail_from: str,
        mail_from_name: str = "",
    ):
        self._config = config
        # The sender (settings.mail_from): its domain ends every Message-ID; an empty name
        # means each message goes out under its school's name.
        self._mail_domain = mail_from.rsplit("@", 1)[1]
        self._mail_from_name = mail_from_name
        self._templates = templates
        self._renderer = renderer

    def compose(
        self,
        cursor,
        school: School,
        draft: Draft,
        now: datetime,
        *,
        hold_until: datetime | None = None,
    ) -> Logged:
        """Log the draft as queued (or held until `hold_until`), or as why it cannot go."""
        entry = dict(
            school_id=school.id,
            template_key=draft.template,
            purpose=draft.purpose.value,
            recipient=draft.recipient or NO_ADDRESS,
            now=now,
            registration_id=draft.registration_id,
            event_id=draft.event_id,
            event_type=draft.event_type,
            reminder_id=draft.reminder_id,
            dedupe_key=draft.dedupe_key,
        )
        if draft.recipient is None:
            return message_log_store.insert_message(
                cursor,
                LogEntry(
                    **entry,
                    status=message_log_store.FAILED,
                    error="the event carries no valid recipient address",
                ),
            )
        decision = (
            None
            if draft.consent_already_checked
            else decision_for(
                cursor, school.id, draft.recipient, draft.purpose, draft.registration_id
            )
        )
        if decision is not None and not decision.send:
            return message_log_store.insert_message(
                cursor,
                LogEntry(**entry, status=message_log_store.SUPPRESSED, error=decision.reason),
            )
        kept = without_signed_links(draft.context)
        context = self.context_for(school, kept)
        source = self._templates.source(
            cursor,
            school.id,
            draft.template,
            school_has_own=school.has_own_templates,
            language=context["language"],
            default_language=school.default_language,
        )
        try:
            rendered = self._renderer.render(source, context)
        except TemplateFailed as exc:
            return message_log_store.insert_message(
                cursor,
                LogEntry(
                    **entry,
                    status=message_log_store.FAILED,
                    template_origin=source.origin,
                    error=str(exc),
                ),
            )
        held = hold_until is not None and hold_until > now
        return message_log_store.insert_message(
            cursor,
            LogEntry(
                **entry,
                status=message_log_store.HELD if held else message_log_store.QUEUED,
                template_origin=source.origin,
                message_id=self.new_message_id(),
                from_name=self._mail_from_name or school.name,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                context=kept,
                next_attempt_at=None if held else now,
                hold_until=hold_until if held else None,
            ),
        )

    def context_for(self, school: School, context: dict) -> dict:
        """What the templates see: the draft's variables, the school's name, the placeholders
        of the links that act for the family (signed only when sent), and the words of the
        family's language (the registration's, else the school's default)."""
        locale = family_locale(
            choose_language(chosen=context.get("language"), school_default=school.default_language)
        )
        seen = {
            **context,
            "language": locale.language,
            "gettext": locale.gettext,
            "ngettext": locale.ngettext,
            "school_name": school.name,
            "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        }
        if "confirmation_id" in context:
            seen["confirm_url"] = confirmation_placeholder(context["confirmation_id"])
        return seen

    def new_message_id(self) -> str:
        return f"<{uuid.uuid4().hex}@{self._mail_domain}>"
