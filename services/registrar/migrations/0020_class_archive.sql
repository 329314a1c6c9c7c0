-- Teachers and classes that are no longer offered are archived, not deleted: placements,
-- invoices, waitlists and the audit log still name them. An archived teacher's classes and an
-- archived class leave the placement choices; NULL means in use.
-- depends: 0019_class_waitlist

ALTER TABLE teachers
    ADD COLUMN archived_at DATETIME(6) NULL;

ALTER TABLE class_schedules
    ADD COLUMN archived_at DATETIME(6) NULL;
