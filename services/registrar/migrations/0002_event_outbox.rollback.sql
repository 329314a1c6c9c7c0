DROP TABLE t_outbox_relay;
DROP TABLE t_outbox_partition_lease;
DROP TABLE t_event_outbox;
