-- The seat offers families have not answered yet (the action rail's "seat offers waiting on
-- families"), kept from selfreg.seat.* events. A row is closed by accepted, declined or
-- expired, whichever order the events arrive in: an offered event never reopens it.
-- depends: 0003_status_totals

CREATE TABLE t_dashboard_seat_offer (
    school_id BIGINT UNSIGNED NOT NULL,
    offer_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NULL,
    -- NULL until the offered event arrives (an answer may come first).
    offered_at DATETIME(6) NULL,
    expires_at DATETIME(6) NULL,
    -- NULL while the family may still answer.
    closed_at DATETIME(6) NULL,
    PRIMARY KEY (school_id, offer_id),
    -- The rail: a school's open offers, oldest first.
    KEY ix_dashboard_seat_offer_open (school_id, closed_at, offered_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
