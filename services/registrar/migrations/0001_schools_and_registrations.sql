-- Schools and the self-registrations families submit to them.
-- depends:

CREATE TABLE schools (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    slug VARCHAR(80) NOT NULL,
    timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    currency CHAR(3) NOT NULL DEFAULT 'USD',
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_schools_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE student_self_registrations (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    status ENUM('pending', 'in_review', 'needs_info', 'approved', 'rejected', 'converted')
        NOT NULL DEFAULT 'pending',
    student_first_name VARCHAR(100) NOT NULL,
    student_last_name VARCHAR(100) NOT NULL,
    date_of_birth DATE NULL,
    guardian_name VARCHAR(200) NULL,
    guardian_email VARCHAR(254) NOT NULL,
    guardian_phone VARCHAR(40) NULL,
    program VARCHAR(120) NULL,
    class_preferences TEXT NULL,
    notes TEXT NULL,
    source VARCHAR(64) NULL,
    utm_source VARCHAR(120) NULL,
    utm_medium VARCHAR(120) NULL,
    utm_campaign VARCHAR(120) NULL,
    consent_email TINYINT(1) NOT NULL DEFAULT 0,
    consent_sms TINYINT(1) NOT NULL DEFAULT 0,
    consent_given_at DATETIME(6) NULL,
    -- The note that goes with the latest status change: the message to the family for
    -- needs_info, the reason for rejected. The status trigger copies it into the event.
    status_note TEXT NULL,
    info_missing TEXT NULL,
    student_id BIGINT UNSIGNED NULL,
    -- Bumped on every change, so a page holding an older version can be told it is stale.
    version INT UNSIGNED NOT NULL DEFAULT 1,
    submission_fingerprint CHAR(64) NULL,
    submitted_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    last_activity_at DATETIME(6) NULL,
    KEY ix_ssr_lead_queue (school_id, status, submitted_at),
    KEY ix_ssr_school_submitted (school_id, submitted_at),
    UNIQUE KEY uq_ssr_fingerprint (school_id, submission_fingerprint),
    CONSTRAINT fk_ssr_school FOREIGN KEY (school_id) REFERENCES schools (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
