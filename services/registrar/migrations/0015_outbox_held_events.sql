-- An event parked dead holds back the later events of its aggregate, so that no consumer sees a
-- registration's events out of order; an operator replays or skips the dead one.
-- depends: 0002_event_outbox

ALTER TABLE t_event_outbox
    -- Set when the row waits behind an earlier dead event of its aggregate; cleared (NULL) when
    -- that event is replayed or skipped. Held rows stay unprocessed.
    ADD COLUMN held_at DATETIME(6) NULL AFTER dead_at,
    -- Set (with processed_at) when an operator skipped this dead event: settled, never published.
    ADD COLUMN skipped_at DATETIME(6) NULL AFTER held_at,
    DROP INDEX ix_outbox_partition_pending,
    -- The relay reads a partition's publishable head (not dead, not held) in id order.
    ADD KEY ix_outbox_partition_pending (partition_no, processed_at, dead_at, held_at, id);
