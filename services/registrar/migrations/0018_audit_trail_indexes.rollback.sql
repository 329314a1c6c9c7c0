ALTER TABLE t_audit_log
    DROP KEY ix_audit_school,
    DROP KEY ix_audit_actor,
    DROP KEY ix_audit_action;
