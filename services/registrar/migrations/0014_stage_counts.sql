-- Registrations per school and status, kept exact by triggers (sql/triggers_stage_counts.sql),
-- so the stage board's counts are one indexed read instead of counting a busy school's rows.
-- depends: 0006_rate_limits 0013_registration_documents

CREATE TABLE t_stage_count (
    school_id BIGINT UNSIGNED NOT NULL,
    status ENUM('pending', 'in_review', 'needs_info', 'approved', 'rejected', 'converted')
        NOT NULL,
    registrations INT NOT NULL DEFAULT 0,
    PRIMARY KEY (school_id, status)
) ENGINE=InnoDB;

INSERT INTO t_stage_count (school_id, status, registrations)
SELECT school_id, status, COUNT(*) FROM student_self_registrations GROUP BY school_id, status;
