-- A family may withdraw its registration: `withdrawn` becomes a status a registration, and the
-- stage board's count of it, can hold; and a family's address finds its registrations.
-- depends: 0015_outbox_held_events 0014_stage_counts

ALTER TABLE student_self_registrations
    MODIFY status ENUM('pending', 'in_review', 'needs_info', 'approved', 'rejected', 'converted',
                       'withdrawn') NOT NULL DEFAULT 'pending';

ALTER TABLE t_stage_count
    MODIFY status ENUM('pending', 'in_review', 'needs_info', 'approved', 'rejected', 'converted',
                       'withdrawn') NOT NULL;

-- /family finds an address's registrations to send it fresh links: by the address, not by
-- scanning every school's registrations.
ALTER TABLE student_self_registrations
    ADD KEY ix_ssr_guardian_email (guardian_email, status);
