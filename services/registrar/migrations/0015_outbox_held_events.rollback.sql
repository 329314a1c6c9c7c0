-- Rows held back become publishable again: the relays then publish them as before this
-- migration, overtaking their aggregate's dead event.
ALTER TABLE t_event_outbox
    DROP INDEX ix_outbox_partition_pending,
    ADD KEY ix_outbox_partition_pending (partition_no, processed_at, dead_at, id),
    DROP COLUMN skipped_at,
    DROP COLUMN held_at;
