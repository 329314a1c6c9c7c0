-- Fee schedules, invoices with their lines and payments, and autopay mandates.
-- depends: 0010_classes

-- What a school charges, in minor units of the school's currency (schools.currency). A row is
-- for one schedule, for a program (every schedule with that program), or, with both NULL, for
-- every enrolment (e.g. a registration fee).
CREATE TABLE fee_schedules (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NULL,
    program VARCHAR(120) NULL,
    label VARCHAR(200) NOT NULL,
    amount_minor INT UNSIGNED NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    KEY ix_fee_schedules_schedule (school_id, schedule_id),
    KEY ix_fee_schedules_program (school_id, program),
    CONSTRAINT fk_fee_schedules_school FOREIGN KEY (school_id) REFERENCES schools (id),
    CONSTRAINT fk_fee_schedules_schedule FOREIGN KEY (school_id, schedule_id)
        REFERENCES class_schedules (school_id, id),
    CONSTRAINT ck_fee_schedules_amount CHECK (amount_minor > 0),
    CONSTRAINT ck_fee_schedules_scope CHECK (schedule_id IS NULL OR program IS NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per-school invoice numbers without gaps between committed invoices: the row is locked by
-- the approval that takes the next number, until it commits.
CREATE TABLE invoice_sequences (
    school_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    last_number INT UNSIGNED NOT NULL,
    CONSTRAINT fk_invoice_sequences_school FOREIGN KEY (school_id) REFERENCES schools (id)
) ENGINE=InnoDB;

CREATE TABLE invoices (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NULL,
    number VARCHAR(32) NOT NULL,
    status ENUM('draft', 'issued', 'paid', 'void') NOT NULL DEFAULT 'draft',
    currency CHAR(3) NOT NULL,
    amount_minor INT UNSIGNED NOT NULL,
    paid_minor INT UNSIGNED NOT NULL DEFAULT 0,
    send_invoice TINYINT(1) NOT NULL DEFAULT 0,
    send_autopay_link TINYINT(1) NOT NULL DEFAULT 0,
    -- Set when an autopay link was made; the link is signed with this expiry, so asking again
    -- gives the same link.
    autopay_link_expires_at DATETIME(6) NULL,
    created_by VARCHAR(254) NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    issued_at DATETIME(6) NULL,
    paid_at DATETIME(6) NULL,
    -- Approving a registration twice bills it once: the database refuses a second invoice.
    UNIQUE KEY uq_invoices_registration (registration_id),
    UNIQUE KEY uq_invoices_number (school_id, number),
    UNIQUE KEY uq_invoices_school_id (school_id, id),
    CONSTRAINT fk_invoices_registration FOREIGN KEY (registration_id)
        REFERENCES student_self_registrations (id),
    CONSTRAINT fk_invoices_school FOREIGN KEY (school_id) REFERENCES schools (id),
    CONSTRAINT ck_invoices_paid CHECK (paid_minor <= amount_minor)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE invoice_lines (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    invoice_id BIGINT UNSIGNED NOT NULL,
    position SMALLINT UNSIGNED NOT NULL,
    label VARCHAR(200) NOT NULL,
    amount_minor INT UNSIGNED NOT NULL,
    fee_schedule_id BIGINT UNSIGNED NULL,
    UNIQUE KEY uq_invoice_lines_position (invoice_id, position),
    CONSTRAINT fk_invoice_lines_invoice FOREIGN KEY (school_id, invoice_id)
        REFERENCES invoices (school_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE payments (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    invoice_id BIGINT UNSIGNED NOT NULL,
    amount_minor INT UNSIGNED NOT NULL,
    method VARCHAR(32) NOT NULL,
    reference VARCHAR(120) NULL,
    recorded_by VARCHAR(254) NOT NULL,
    recorded_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    KEY ix_payments_invoice (school_id, invoice_id, id),
    CONSTRAINT fk_payments_invoice FOREIGN KEY (school_id, invoice_id)
        REFERENCES invoices (school_id, id),
    CONSTRAINT ck_payments_amount CHECK (amount_minor > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A guardian's consent to pay an invoice by autopay, given on the signed-link page.
CREATE TABLE autopay_mandates (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    invoice_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    guardian_email VARCHAR(254) NOT NULL,
    signer_name VARCHAR(200) NOT NULL,
    accepted_at DATETIME(6) NOT NULL,
    client_address VARCHAR(45) NOT NULL,
    user_agent VARCHAR(255) NULL,
    UNIQUE KEY uq_autopay_mandates_invoice (invoice_id),
    CONSTRAINT fk_autopay_mandates_invoice FOREIGN KEY (school_id, invoice_id)
        REFERENCES invoices (school_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
