-- The retention purge walks settled messages oldest first by when they last changed
-- (`edquill retention purge`, docs/retention.md); without this index it read every school's
-- messages through the claim index and sorted them.
-- depends: 0004_consent_scopes_and_history

ALTER TABLE t_message_log ADD KEY ix_message_log_updated (updated_at);
