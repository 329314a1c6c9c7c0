-- The consumer's inbox: one row per event handled, so a redelivered event changes nothing.
-- depends:

CREATE TABLE t_event_inbox (
    consumer VARCHAR(64) NOT NULL,
    event_id CHAR(36) NOT NULL,
    event_type VARCHAR(64) NOT NULL,
    handled_at DATETIME(6) NOT NULL,
    PRIMARY KEY (consumer, event_id),
    KEY ix_inbox_handled (handled_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
