-- A school's messages in one status, newest first: the dashboard asks for a school's held
-- messages each time it builds a page, and the only index with the status led to every
-- school's held messages, sorted again per request.
-- depends: 0002_messages

ALTER TABLE t_message_log ADD KEY ix_message_log_school_status (school_id, status, id);
