"""Mail held through quiet hours, released when the school's window opens: a family's held
reminders go together, one as it was, several collapsed into one digest, and only those the
family still wants. The held rows are claimed with claim tokens, so several workers can
release side by side."""

from __future__ import annotations

import logging
import uuid

from notifier.adapters import message_log_store, school_store, send_queue_store
from notifier.adapters.clock import Clock, system_clock
from notifier.adapters.consent_store import decision_for
from notifier.config import NotifierConfig
from notifier.domain.collapsing import HeldMessage, Release, collapse
from notifier.domain.consent import Purpose
from notifier.domain.reminders import ReminderKind
from notifier.domain.templates import DIGEST_TEMPLATE
from notifier.metrics import RELEASES
from notifier.service_layer.composer import Composer, Draft
from shared import db

log = logging.getLogger(__name__)

# A held member's kind in the digest's items, from its template.
_ITEM_KINDS = {kind.template: kind.value for kind in ReminderKind}


class HeldRelease:
    """Claims a batch of held messages whose hold is over and releases each family's, in one
    transaction per family."""

    def __init__(self, config: NotifierConfig, composer: Composer, clock: Clock = system_clock):
        self.config = config
        self.composer = composer
        self._clock = clock
        self._defaults = config.default_preferences()

    def release_due(self, connection) -> int:
        token = uuid.uuid4().hex
        rows = send_queue_store.claim_held(
            connection,
            token,
            self._clock(),
            self.config.scheduler_batch_size,
            self.config.claim_seconds,
        )
        by_id = {row["id"]: row for row in rows}
        held = [
            HeldMessage(
                row["id"], row["school_id"], row["recipient"], row["template_key"], row["context"]
            )
            for row in rows
        ]
        for release in collapse(held):
            with db.transaction(connection) as cursor:
                self._release(cursor, release, by_id, token)
        return len(rows)

    def _release(self, cursor, release: Release, rows: dict[int, dict], token: str) -> None:
        now = self._clock()
        release = self._still_wanted(cursor, release, rows, token, now)
        if release is None:
            return
        if not release.collapsed:
            send_queue_store.queue_held(cursor, release.first.id, token, now)
            RELEASES.labels("queued").inc()
            return
        digest = self._compose_digest(cursor, release, rows, now)
        for member in release.members:
            send_queue_store.settle_held(
                cursor, member.id, token, message_log_store.COLLAPSED, now, collapsed_into=digest
            )
        RELEASES.labels("collapsed").inc(len(release.members))

    def _still_wanted(
        self, cursor, release: Release, rows: dict[int, dict], token: str, now
    ) -> Release | None:
        """The members the family still wants: they may have said no while the mail was held,
        for the address or for one registration. The others are settled as suppressed."""
        wanted = []
        for member in release.members:
            decision = decision_for(
                cursor,
                member.school_id,
                member.recipient,
                Purpose.REMINDERS,
                rows[member.id]["registration_id"],
            )
            if decision.send:
                wanted.append(member)
                continue
            send_queue_store.settle_held(
                cursor, member.id, token, message_log_store.SUPPRESSED, now, error=decision.reason
            )
            RELEASES.labels("suppressed").inc()
        return Release(tuple(wanted)) if wanted else None

    def _compose_digest(self, cursor, release: Release, rows: dict[int, dict], now) -> int:
        first = release.first
        school = school_store.require_school(cursor, first.school_id, self._defaults)
        items = [
            {**member.context, "kind": _ITEM_KINDS.get(member.template, member.template)}
            for member in release.members
        ]
        registrations = {rows[member.id]["registration_id"] for member in release.members}
        context = {**first.context, "items": items, "count": len(items)}
        logged = self.composer.compose(
            cursor,
            school,
            Draft(
                DIGEST_TEMPLATE,
                Purpose.REMINDERS,
                first.recipient,
                context,
                registration_id=registrations.pop() if len(registrations) == 1 else None,
                dedupe_key=f"digest:{first.id}",
                consent_already_checked=True,
            ),
            now,
        )
        log.info(
            "collapsed %d held reminders for one family of school %s into message %s",
            len(items),
            school.id,
            logged.id,
        )
        return logged.id
