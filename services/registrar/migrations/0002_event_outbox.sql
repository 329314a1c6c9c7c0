-- The transactional outbox and the relays' partition leases.
-- depends: 0001_schools_and_registrations

CREATE TABLE t_event_outbox (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id CHAR(36) NOT NULL,
    event_type VARCHAR(64) NOT NULL,
    school_id BIGINT UNSIGNED NOT NULL,
    aggregate_type VARCHAR(32) NOT NULL DEFAULT 'self_registration',
    aggregate_id BIGINT UNSIGNED NOT NULL,
    -- Events of one aggregate always share a partition, and one relay at a time owns a
    -- partition, which is how several relays keep each registration's events in order.
    -- Changing the modulus needs every relay stopped and the outbox drained.
    partition_no TINYINT UNSIGNED AS (aggregate_id % 16) STORED,
    payload JSON NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    claimed_by VARCHAR(64) NULL,
    claim_token CHAR(32) NULL,
    claimed_at DATETIME(6) NULL,
    processed_at DATETIME(6) NULL,
    attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NULL,
    last_error VARCHAR(1000) NULL,
    dead_at DATETIME(6) NULL,
    UNIQUE KEY uq_outbox_event_id (event_id),
    -- The relay's claim reads a partition's unprocessed head in id order from this index.
    KEY ix_outbox_partition_pending (partition_no, processed_at, dead_at, id),
    -- Status (backlog, oldest age) and purge (processed before a date) read this one.
    KEY ix_outbox_processed (processed_at, dead_at, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE t_outbox_partition_lease (
    partition_no TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    owner VARCHAR(64) NULL,
    lease_until DATETIME(6) NULL
) ENGINE=InnoDB;

INSERT INTO t_outbox_partition_lease (partition_no) VALUES
    (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15);

CREATE TABLE t_outbox_relay (
    relay_id VARCHAR(64) NOT NULL PRIMARY KEY,
    started_at DATETIME(6) NOT NULL,
    heartbeat_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;
