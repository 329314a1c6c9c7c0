-- Fixed-window request counters shared by every worker process: sign-in failures per account
-- and per address, public submissions per address.
-- depends: 0005_lead_queue_indexes

CREATE TABLE t_rate_limit (
    -- What is counted and for whom, e.g. 'selfreg:address:203.0.113.9' (ASCII keeps the key
    -- short enough for any InnoDB index).
    bucket VARCHAR(190) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    window_started_at DATETIME(6) NOT NULL,
    hits INT UNSIGNED NOT NULL,
    -- Expired windows are deleted by age.
    KEY ix_rate_limit_window (window_started_at)
) ENGINE=InnoDB;
