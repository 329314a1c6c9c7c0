ALTER TABLE student_self_registrations
    DROP KEY ix_ssr_school_guardian_email,
    DROP KEY ix_ssr_school_last_name,
    DROP KEY ix_ssr_school_first_name,
    DROP KEY ix_ssr_school_status_activity,
    DROP KEY ix_ssr_school_activity,
    MODIFY last_activity_at DATETIME(6) NULL;
