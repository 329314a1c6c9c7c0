ALTER TABLE t_message_log DROP KEY ix_message_log_updated;
