"""Consent in MySQL (t_consent): the latest decision per recipient, channel and purpose, with
where and when it was last given and last withdrawn."""
from __future__ import annotations

from datetime import datetime

from notifier.clock import as_utc
from notifier.domain.consent import Channel, ConsentChange, ConsentState, Purpose, supersedes


def consent_state(cursor, school_id: int, recipient: str, purpose: Purpose,
                  channel: Channel = Channel.EMAIL, *, for_update: bool = False
                  ) -> ConsentState | None:
    cursor.execute(
        "SELECT granted, changed_at, changed_via FROM t_consent WHERE school_id = %s "
        "AND recipient = %s AND channel = %s AND purpose = %s"
        + (" FOR UPDATE" if for_update else ""),
        (school_id, recipient, channel.value, purpose.value))
    row = cursor.fetchone()
    if row is None:
        return None
    return ConsentState(bool(row["granted"]), as_utc(row["changed_at"]), row["changed_via"])


def record_consent(cursor, school_id: int, change: ConsentChange, now: datetime) -> bool:
    """Store the decision unless a later one is on record; True when it was stored."""
    state = consent_state(cursor, school_id, change.recipient, change.purpose, change.channel,
                          for_update=True)
    if not supersedes(change, state):
        return False
    given = (change.at, change.via) if change.granted else (None, None)
    withdrawn = (change.at, change.via) if not change.granted and state is not None \
        and state.granted else (None, None)
    cursor.execute(
        "INSERT INTO t_consent (school_id, recipient, channel, purpose, granted, changed_at, "
        "changed_via, evidence, given_at, given_via, withdrawn_at, withdrawn_via, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON DUPLICATE KEY UPDATE "
        "granted = VALUES(granted), changed_at = VALUES(changed_at), "
        "changed_via = VALUES(changed_via), evidence = VALUES(evidence), "
        "given_at = COALESCE(VALUES(given_at), given_at), "
        "given_via = COALESCE(VALUES(given_via), given_via), "
        "withdrawn_at = COALESCE(VALUES(withdrawn_at), withdrawn_at), "
        "withdrawn_via = COALESCE(VALUES(withdrawn_via), withdrawn_via), "
        "updated_at = VALUES(updated_at)",
        (school_id, change.recipient, change.channel.value, change.purpose.value,
         change.granted, change.at, change.via, (change.evidence or "")[:255] or None,
         *given, *withdrawn, now))
    return True


def consent_rows(cursor, school_id: int, recipient: str) -> list[dict]:
    cursor.execute("SELECT channel, purpose, granted, changed_at, changed_via, evidence, "
                   "given_at, given_via, withdrawn_at, withdrawn_via FROM t_consent "
                   "WHERE school_id = %s AND recipient = %s ORDER BY channel, purpose",
                   (school_id, recipient))
    return list(cursor.fetchall())
