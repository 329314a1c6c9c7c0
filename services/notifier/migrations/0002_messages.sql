-- The notifier's own tables: its directory of schools and their notice settings, templates,
-- the message log (also the queue the sender works from), consent, and scheduled reminders.
-- No foreign keys to other services' tables: those live in other databases.
-- depends: 0001_event_inbox

-- Schools as the registrar announces them (school.created / school.updated): the name the
-- e-mails carry and the time zone quiet hours are counted in.
CREATE TABLE t_school (
    school_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    slug VARCHAR(80) NOT NULL,
    timezone VARCHAR(64) NOT NULL,
    currency CHAR(3) NOT NULL,
    -- occurred_at of the event these values came from: an older event never overwrites them.
    changed_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What a school chose about its e-mails; no row means the defaults (services/notifier/config.py).
CREATE TABLE t_school_notice_settings (
    school_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    quiet_hours_start TIME NOT NULL,
    quiet_hours_end TIME NOT NULL,
    -- Comma-separated statuses whose change e-mails the family (status updates the school
    -- turned on); empty: none.
    status_updates VARCHAR(200) NOT NULL DEFAULT '',
    reminders_enabled TINYINT(1) NOT NULL DEFAULT 1,
    needs_info_reminder_hours INT UNSIGNED NOT NULL,
    invoice_reminder_hours INT UNSIGNED NOT NULL,
    updated_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A school's own wording of a message; without a row the default in
-- services/notifier/templates/ is used.
CREATE TABLE t_message_template (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    template_key VARCHAR(64) NOT NULL,
    subject VARCHAR(500) NOT NULL,
    body_text MEDIUMTEXT NOT NULL,
    body_html MEDIUMTEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY uq_message_template (school_id, template_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every message, whatever happened to it. Rows in status 'queued' are the sender's work: it
-- claims them with a claim token (a claim older than the sender's claim time is taken over).
CREATE TABLE t_message_log (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NULL,
    event_id CHAR(36) NULL,
    event_type VARCHAR(64) NULL,
    reminder_id BIGINT UNSIGNED NULL,
    template_key VARCHAR(64) NOT NULL,
    template_origin ENUM('default', 'school') NULL,
    channel ENUM('email') NOT NULL DEFAULT 'email',
    purpose ENUM('transactional', 'reminders', 'marketing') NOT NULL,
    recipient VARCHAR(254) NOT NULL,
    status ENUM('queued', 'held', 'sent', 'failed', 'suppressed', 'duplicate', 'collapsed',
                'cancelled') NOT NULL,
    -- One business message (e.g. the receipt for invoice 7) is sent once however many events
    -- ask for it; the second ask is logged as 'duplicate' with duplicate_of.
    dedupe_key VARCHAR(128) NULL,
    duplicate_of BIGINT UNSIGNED NULL,
    collapsed_into BIGINT UNSIGNED NULL,
    -- RFC 5322 Message-ID, fixed when the row is written: a resend after a crash reuses it.
    message_id VARCHAR(255) NULL,
    from_name VARCHAR(200) NULL,
    subject VARCHAR(500) NULL,
    body_text MEDIUMTEXT NULL,
    body_html MEDIUMTEXT NULL,
    -- The template's variables (JSON): collapsing held reminders renders them again.
    context MEDIUMTEXT NULL,
    error VARCHAR(1000) NULL,
    attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NULL,
    hold_until DATETIME(6) NULL,
    claim_token CHAR(32) NULL,
    claimed_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    sent_at DATETIME(6) NULL,
    UNIQUE KEY uq_message_log_dedupe (school_id, dedupe_key),
    UNIQUE KEY uq_message_log_message_id (message_id),
    KEY ix_message_log_registration (school_id, registration_id, id),
    KEY ix_message_log_queue (status, next_attempt_at),
    KEY ix_message_log_held (status, hold_until),
    KEY ix_message_log_claim (claim_token),
    KEY ix_message_log_recipient (school_id, recipient, status),
    KEY ix_message_log_reminder (reminder_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Consent per recipient, channel and purpose, as last decided, with where and when it was
-- last given and last withdrawn. No row: never asked, which for reminders and marketing is no.
CREATE TABLE t_consent (
    school_id BIGINT UNSIGNED NOT NULL,
    recipient VARCHAR(254) NOT NULL,
    channel ENUM('email') NOT NULL,
    purpose ENUM('transactional', 'reminders', 'marketing') NOT NULL,
    granted TINYINT(1) NOT NULL,
    changed_at DATETIME(6) NOT NULL,
    changed_via VARCHAR(64) NOT NULL,
    evidence VARCHAR(255) NULL,
    given_at DATETIME(6) NULL,
    given_via VARCHAR(64) NULL,
    withdrawn_at DATETIME(6) NULL,
    withdrawn_via VARCHAR(64) NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (school_id, recipient, channel, purpose)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Reminders waiting for their time; several workers claim due ones with a claim token.
CREATE TABLE t_reminder (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('needs_info', 'invoice_unpaid') NOT NULL,
    invoice_id BIGINT UNSIGNED NULL,
    recipient VARCHAR(254) NOT NULL,
    due_at DATETIME(6) NOT NULL,
    status ENUM('scheduled', 'done', 'cancelled') NOT NULL,
    source_event_id CHAR(36) NOT NULL,
    -- The reminder template's variables (JSON), taken from the event that asked for it.
    context MEDIUMTEXT NOT NULL,
    claim_token CHAR(32) NULL,
    claimed_at DATETIME(6) NULL,
    message_log_id BIGINT UNSIGNED NULL,
    cancelled_by_event_id CHAR(36) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    UNIQUE KEY uq_reminder_source (source_event_id, kind),
    KEY ix_reminder_due (status, due_at),
    KEY ix_reminder_registration (school_id, registration_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
