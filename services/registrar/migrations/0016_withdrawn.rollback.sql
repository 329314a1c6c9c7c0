ALTER TABLE student_self_registrations DROP KEY ix_ssr_guardian_email;
-- Withdrawn registrations go back to rejected, the nearest end the older schema knows.
UPDATE student_self_registrations SET status = 'rejected' WHERE status = 'withdrawn';
DELETE FROM t_stage_count WHERE status = 'withdrawn';
ALTER TABLE t_stage_count
    MODIFY status ENUM('pending', 'in_review', 'needs_info', 'approved', 'rejected', 'converted')
        NOT NULL;
ALTER TABLE student_self_registrations
    MODIFY status ENUM('pending', 'in_review', 'needs_info', 'approved', 'rejected', 'converted')
        NOT NULL DEFAULT 'pending';
