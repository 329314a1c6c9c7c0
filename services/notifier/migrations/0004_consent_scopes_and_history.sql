-- Consent in two scopes, and the history of every decision.
-- t_consent keeps the address's decisions (school + address): only links mailed to the
-- address (unsubscribe, confirmation) make them, because only they prove who decided. A
-- form's answer is about its own registration (t_registration_consent) and reaches no other.
-- An address that said no is asked to confirm a form's yes (t_consent_confirmation).
-- depends: 0003_held_by_school

-- What a form said about its own registration's reminders.
CREATE TABLE t_registration_consent (
    school_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    recipient VARCHAR(254) NOT NULL,
    channel ENUM('email') NOT NULL,
    purpose ENUM('transactional', 'reminders', 'marketing') NOT NULL,
    granted TINYINT(1) NOT NULL,
    changed_at DATETIME(6) NOT NULL,
    changed_via VARCHAR(64) NOT NULL,
    evidence VARCHAR(255) NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (school_id, registration_id, recipient, channel, purpose)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A confirmation e-mail asked for: the owner of an address that said no confirms a form's yes
-- from the signed link in it. One live request per address: a stranger filling in forms
-- cannot flood a mailbox that unsubscribed.
CREATE TABLE t_consent_confirmation (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    recipient VARCHAR(254) NOT NULL,
    channel ENUM('email') NOT NULL,
    purpose ENUM('transactional', 'reminders', 'marketing') NOT NULL,
    -- The form whose yes is to be confirmed, and its event.
    registration_id BIGINT UNSIGNED NULL,
    event_id CHAR(36) NULL,
    message_log_id BIGINT UNSIGNED NULL,
    requested_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    confirmed_at DATETIME(6) NULL,
    KEY ix_consent_confirmation_recipient (school_id, recipient, requested_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every consent decision as it came, whatever it changed: append-only (the notifier only ever
-- inserts here). actor: who decided (form: anyone; link: the address's owner; staff).
CREATE TABLE t_consent_history (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    recipient VARCHAR(254) NOT NULL,
    channel ENUM('email') NOT NULL,
    purpose ENUM('transactional', 'reminders', 'marketing') NOT NULL,
    scope ENUM('address', 'registration') NOT NULL,
    registration_id BIGINT UNSIGNED NULL,
    granted TINYINT(1) NOT NULL,
    actor ENUM('form', 'link', 'staff') NOT NULL,
    via VARCHAR(64) NOT NULL,
    outcome ENUM('recorded', 'superseded', 'awaiting_confirmation') NOT NULL,
    -- When the decision was made (the form's consent time, the click), and when it was kept.
    decided_at DATETIME(6) NOT NULL,
    recorded_at DATETIME(6) NOT NULL,
    evidence VARCHAR(255) NULL,
    -- Proof: the event a form's answer came with; a link's SHA-256 (never the link itself)
    -- and the address the request came from; the confirmation asked or answered.
    event_id CHAR(36) NULL,
    token_hash CHAR(64) NULL,
    request_address VARCHAR(45) NULL,
    confirmation_id BIGINT UNSIGNED NULL,
    KEY ix_consent_history_recipient (school_id, recipient, id),
    KEY ix_consent_history_registration (school_id, registration_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Forms used to decide for the whole address. Their answers move to the registration they
-- named ("registration N")...
INSERT INTO t_registration_consent (school_id, registration_id, recipient, channel, purpose,
                                    granted, changed_at, changed_via, evidence, updated_at)
SELECT school_id, CAST(SUBSTRING(evidence, 14) AS UNSIGNED), recipient, channel, purpose,
       granted, changed_at, changed_via, evidence, updated_at
FROM t_consent
WHERE changed_via = 'self_registration_form' AND evidence LIKE 'registration %';

-- ...an unsubscribe a form undid stands again (the form proved nothing)...
UPDATE t_consent
SET granted = 0, changed_at = withdrawn_at, changed_via = withdrawn_via,
    evidence = 'unsubscribe restored: a form cannot undo it'
WHERE changed_via = 'self_registration_form' AND withdrawn_via = 'unsubscribe_link'
  AND withdrawn_at IS NOT NULL;

-- ...and the address keeps no decision a form made.
DELETE FROM t_consent WHERE changed_via = 'self_registration_form';
