-- The audit page reads a school's trail newest first, a page at a time (keyset on id), whole
-- or narrowed to one person or one action; each read walks one of these indexes backwards
-- from the cursor and stops after a page, however long the trail grows. One registration's
-- entries already have ix_audit_entity.
-- depends: 0017_registration_language

ALTER TABLE t_audit_log
    ADD KEY ix_audit_school (school_id, id),
    ADD KEY ix_audit_actor (school_id, actor, id),
    ADD KEY ix_audit_action (school_id, action, id);
