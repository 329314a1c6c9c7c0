-- The dashboard's own tables, kept from events: its directory of schools, each school's
-- targets for the action rail, every registration's current status (and since when), the
-- daily net changes of each status (so a count can be read as of any day), and invoices.
-- Every write is idempotent by event id (t_event_inbox) and order-safe: an older event never
-- overwrites what a newer one wrote (compare the *_event_at columns).
-- depends: 0001_event_inbox

CREATE TABLE t_dashboard_school (
    school_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    timezone VARCHAR(64) NOT NULL,
    -- occurred_at of the event these values come from: an older event never overwrites them.
    changed_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What a school chose (PUT /api/dashboard/settings); a school without a row has the defaults.
CREATE TABLE t_dashboard_school_settings (
    school_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    lead_wait_hours INT UNSIGNED NOT NULL,
    needs_info_wait_hours INT UNSIGNED NOT NULL,
    approved_wait_hours INT UNSIGNED NOT NULL,
    updated_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE t_dashboard_registration (
    school_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    -- NULL until an event with a status arrives (a name may come first).
    status VARCHAR(16) NULL,
    -- When the registration entered its status (the submission time for `pending`).
    status_since DATETIME(6) NULL,
    -- occurred_at of the event that set the status: only a newer event may change it.
    status_event_at DATETIME(6) NULL,
    student_name VARCHAR(201) NULL,
    name_event_at DATETIME(6) NULL,
    submitted_at DATETIME(6) NULL,
    PRIMARY KEY (school_id, registration_id),
    -- The action rail: a school's registrations in one status, oldest first.
    KEY ix_dashboard_registration_rail (school_id, status, status_since)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +1 for the status a registration entered, -1 for the one it left, on the school's local day
-- of the change. The sum over every day is the current count of a status; the sum up to a day
-- is the count at the end of that day.
CREATE TABLE t_dashboard_status_daily (
    school_id BIGINT UNSIGNED NOT NULL,
    status VARCHAR(16) NOT NULL,
    day DATE NOT NULL,
    net_change INT NOT NULL,
    PRIMARY KEY (school_id, status, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE t_dashboard_invoice (
    school_id BIGINT UNSIGNED NOT NULL,
    invoice_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    number VARCHAR(40) NULL,
    amount_minor BIGINT NULL,
    currency CHAR(3) NULL,
    student_name VARCHAR(201) NULL,
    -- NULL while only the payment has been seen (events of one invoice may come out of order).
    issued_at DATETIME(6) NULL,
    -- The payload's due date when it has one, else issued_at + the configured days.
    due_at DATETIME(6) NULL,
    paid_at DATETIME(6) NULL,
    PRIMARY KEY (school_id, invoice_id),
    -- Overdue invoices: a school's unpaid ones, by due date.
    KEY ix_dashboard_invoice_overdue (school_id, paid_at, due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
