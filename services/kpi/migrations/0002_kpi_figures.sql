-- The KPI service's own tables: its directory of schools (kept from school.* events), the
-- ledger of every event that moved a figure (what `kpi daily-aggregate` rebuilds a day from),
-- the daily figures per school and local day, and the worker's and the rebuild's progress.
-- depends: 0001_event_inbox

CREATE TABLE t_kpi_school (
    school_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    slug VARCHAR(80) NOT NULL,
    timezone VARCHAR(64) NOT NULL,
    currency CHAR(3) NOT NULL,
    -- occurred_at of the event these values come from: an older event never overwrites them.
    changed_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per event that moved a figure, written in the transaction that folds it.
CREATE TABLE t_kpi_event_ledger (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id CHAR(36) NOT NULL,
    school_id BIGINT UNSIGNED NOT NULL,
    -- The school's local day of occurred_at, placed when the event was folded.
    day DATE NOT NULL,
    kind ENUM('lead', 'review', 'info_request', 'approval', 'rejection', 'enrollment',
              'invoiced', 'collected', 'autopay') NOT NULL,
    occurred_at DATETIME(6) NOT NULL,
    registration_id BIGINT UNSIGNED NULL,
    invoice_id BIGINT UNSIGNED NULL,
    source VARCHAR(64) NULL,
    amount_minor BIGINT NULL,
    currency CHAR(3) NULL,
    UNIQUE KEY uq_kpi_ledger_event (event_id),
    KEY ix_kpi_ledger_day (school_id, day, kind),
    KEY ix_kpi_ledger_registration (school_id, registration_id, kind),
    KEY ix_kpi_ledger_invoice (school_id, invoice_id, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE t_marketing_kpi_daily (
    school_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    leads INT UNSIGNED NOT NULL DEFAULT 0,
    reviews_started INT UNSIGNED NOT NULL DEFAULT 0,
    info_requests INT UNSIGNED NOT NULL DEFAULT 0,
    approvals INT UNSIGNED NOT NULL DEFAULT 0,
    rejections INT UNSIGNED NOT NULL DEFAULT 0,
    enrollments INT UNSIGNED NOT NULL DEFAULT 0,
    median_hours_to_decision DECIMAL(10, 2) NULL,
    PRIMARY KEY (school_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE t_marketing_kpi_source_daily (
    school_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    source VARCHAR(64) NOT NULL,
    leads INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (school_id, day, source)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Amounts in minor units of the school's currency. outstanding_minor: what is still unpaid of
-- the invoices issued that day.
CREATE TABLE t_revenue_daily (
    school_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    currency CHAR(3) NOT NULL,
    invoiced_minor BIGINT NOT NULL DEFAULT 0,
    collected_minor BIGINT NOT NULL DEFAULT 0,
    outstanding_minor BIGINT NOT NULL DEFAULT 0,
    autopay_enrollments INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (school_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The worker's progress, for the service's /metrics: one row per consumer.
CREATE TABLE t_kpi_fold_progress (
    consumer VARCHAR(64) NOT NULL PRIMARY KEY,
    events_folded BIGINT UNSIGNED NOT NULL DEFAULT 0,
    ledger_entries BIGINT UNSIGNED NOT NULL DEFAULT 0,
    last_folded_at DATETIME(6) NOT NULL,
    -- From the oldest event of the last batch being committed by the registrar to its fold.
    last_lag_seconds DECIMAL(12, 3) NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each `kpi daily-aggregate` run: how many school-days it rebuilt and how long it took.
CREATE TABLE t_kpi_rebuild_run (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    started_at DATETIME(6) NOT NULL,
    finished_at DATETIME(6) NOT NULL,
    school_days INT UNSIGNED NOT NULL,
    seconds DECIMAL(10, 3) NOT NULL,
    KEY ix_kpi_rebuild_finished (finished_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
