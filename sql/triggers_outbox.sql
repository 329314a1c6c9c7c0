-- Outbox triggers on student_self_registrations (MySQL 5.7 / MariaDB 10.6+).
--
-- Every insert and status change on a registration enqueues its event into t_event_outbox in
-- the same transaction as the change itself, whoever makes it: the registrar service, a DBA's
-- plain UPDATE, a data fix. The outbox relay publishes the rows afterwards.
--
-- Load by hand with:  mysql edquill_registrar < sql/triggers_outbox.sql
-- `edquill migrate` loads this file too. Re-running it is safe: each trigger is dropped first.
--
-- Times are UTC_TIMESTAMP(6), so the envelope's occurred_at does not depend on the session's
-- time zone. Event ids are UUID() strings.

DELIMITER //

DROP TRIGGER IF EXISTS trg_ssr_submitted_outbox //
CREATE TRIGGER trg_ssr_submitted_outbox
AFTER INSERT ON student_self_registrations
FOR EACH ROW
BEGIN
    INSERT INTO t_event_outbox
        (event_id, event_type, school_id, aggregate_type, aggregate_id, payload, created_at)
    VALUES
        (UUID(), 'selfreg.submitted', NEW.school_id, 'self_registration', NEW.id,
         JSON_OBJECT(
             'registration_id', NEW.id,
             'status', NEW.status,
             'source', NEW.source,
             'program', NEW.program,
             'guardian_email', NEW.guardian_email,
             'consent_email', NEW.consent_email = 1,
             'submitted_at', DATE_FORMAT(NEW.submitted_at, '%Y-%m-%dT%H:%i:%s.%fZ')
         ),
         UTC_TIMESTAMP(6));
END //

DROP TRIGGER IF EXISTS trg_ssr_status_outbox //
CREATE TRIGGER trg_ssr_status_outbox
AFTER UPDATE ON student_self_registrations
FOR EACH ROW
BEGIN
    IF NOT (NEW.status <=> OLD.status) THEN
        INSERT INTO t_event_outbox
            (event_id, event_type, school_id, aggregate_type, aggregate_id, payload, created_at)
        VALUES
            (UUID(), 'selfreg.status.updated', NEW.school_id, 'self_registration', NEW.id,
             JSON_OBJECT(
                 'registration_id', NEW.id,
                 'from_status', OLD.status,
                 'to_status', NEW.status,
                 'note', NEW.status_note,
                 'missing', NEW.info_missing,
                 'guardian_email', NEW.guardian_email
             ),
             UTC_TIMESTAMP(6));
    END IF;
END //

DROP TRIGGER IF EXISTS trg_ssr_converted_outbox //
CREATE TRIGGER trg_ssr_converted_outbox
AFTER UPDATE ON student_self_registrations
FOR EACH ROW
FOLLOWS trg_ssr_status_outbox
BEGIN
    IF NEW.status = 'converted' AND NOT (OLD.status <=> 'converted') THEN
        INSERT INTO t_event_outbox
            (event_id, event_type, school_id, aggregate_type, aggregate_id, payload, created_at)
        VALUES
            (UUID(), 'selfreg.converted', NEW.school_id, 'self_registration', NEW.id,
             JSON_OBJECT(
                 'registration_id', NEW.id,
                 'student_id', NEW.student_id,
                 'guardian_email', NEW.guardian_email
             ),
             UTC_TIMESTAMP(6));
    END IF;
END //

DELIMITER ;
