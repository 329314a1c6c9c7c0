-- The lead queue's keyset pages and prefix search, fast on a million registrations.
-- depends: 0004_staff_users

-- "Last activity" is a sort key, so it may not be NULL: a new registration's last activity is
-- its submission (every status change sets it again).
UPDATE student_self_registrations SET last_activity_at = submitted_at
    WHERE last_activity_at IS NULL;

-- InnoDB appends the primary key to every secondary index, so each (school_id, [status,] X)
-- index below serves keyset pages ordered by (X, id) without a filesort.
ALTER TABLE student_self_registrations
    MODIFY last_activity_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    ADD KEY ix_ssr_school_activity (school_id, last_activity_at),
    ADD KEY ix_ssr_school_status_activity (school_id, status, last_activity_at),
    -- Search `q` is a prefix match on each of these columns, one index range per column. The
    -- trailing columns make each search branch index-only: the status filter, the sort keys
    -- and the keyset condition are read from the index, not from the rows.
    ADD KEY ix_ssr_school_first_name
        (school_id, student_first_name, status, submitted_at, last_activity_at),
    ADD KEY ix_ssr_school_last_name
        (school_id, student_last_name, status, submitted_at, last_activity_at),
    ADD KEY ix_ssr_school_guardian_email
        (school_id, guardian_email, status, submitted_at, last_activity_at);
