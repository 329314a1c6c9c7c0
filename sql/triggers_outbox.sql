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
--
-- Every registration event carries the language the family reads (the registration's) and a
-- snapshot of its school (name, slug, time zone, currency, default language) under "school":
-- consumers keep their own directory of schools from it, whatever order the
-- school's own events (school.created / school.updated, below) reach them in.

DELIMITER //

DROP TRIGGER IF EXISTS trg_ssr_submitted_outbox //
CREATE TRIGGER trg_ssr_submitted_outbox
AFTER INSERT ON student_self_registrations
FOR EACH ROW
BEGIN
    DECLARE school_name VARCHAR(200);
    DECLARE school_slug VARCHAR(80);
    DECLARE school_timezone VARCHAR(64);
    DECLARE school_currency CHAR(3);
    DECLARE school_language VARCHAR(8);
    SELECT name, slug, timezone, currency, default_language
      INTO school_name, school_slug, school_timezone, school_currency, school_language
      FROM schools WHERE id = NEW.school_id;
    INSERT INTO t_event_outbox
        (event_id, event_type, school_id, aggregate_type, aggregate_id, payload, created_at)
    VALUES
        (UUID(), 'selfreg.submitted', NEW.school_id, 'self_registration', NEW.id,
         JSON_OBJECT(
             'registration_id', NEW.id,
             'status', NEW.status,
             'source', NEW.source,
             'program', NEW.program,
             'student_first_name', NEW.student_first_name,
             'student_last_name', NEW.student_last_name,
             'guardian_name', NEW.guardian_name,
             'guardian_email', NEW.guardian_email,
             'language', NEW.language,
             'consent_email', NEW.consent_email = 1,
             'consent_given_at', DATE_FORMAT(NEW.consent_given_at, '%Y-%m-%dT%H:%i:%s.%fZ'),
             'submitted_at', DATE_FORMAT(NEW.submitted_at, '%Y-%m-%dT%H:%i:%s.%fZ'),
             'school', JSON_OBJECT('name', school_name, 'slug', school_slug,
                                   'timezone', school_timezone, 'currency', school_currency,
                                   'default_language', school_language)
         ),
         UTC_TIMESTAMP(6));
END //

DROP TRIGGER IF EXISTS trg_ssr_status_outbox //
CREATE TRIGGER trg_ssr_status_outbox
AFTER UPDATE ON student_self_registrations
FOR EACH ROW
BEGIN
    DECLARE school_name VARCHAR(200);
    DECLARE school_slug VARCHAR(80);
    DECLARE school_timezone VARCHAR(64);
    DECLARE school_currency CHAR(3);
    DECLARE school_language VARCHAR(8);
    IF NOT (NEW.status <=> OLD.status) THEN
        SELECT name, slug, timezone, currency, default_language
          INTO school_name, school_slug, school_timezone, school_currency, school_language
          FROM schools WHERE id = NEW.school_id;
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
                 'student_first_name', NEW.student_first_name,
                 'student_last_name', NEW.student_last_name,
                 'guardian_name', NEW.guardian_name,
                 'guardian_email', NEW.guardian_email,
             'language', NEW.language,
                 'school', JSON_OBJECT('name', school_name, 'slug', school_slug,
                                       'timezone', school_timezone, 'currency', school_currency,
                                   'default_language', school_language)
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
    DECLARE school_name VARCHAR(200);
    DECLARE school_slug VARCHAR(80);
    DECLARE school_timezone VARCHAR(64);
    DECLARE school_currency CHAR(3);
    DECLARE school_language VARCHAR(8);
    IF NEW.status = 'converted' AND NOT (OLD.status <=> 'converted') THEN
        SELECT name, slug, timezone, currency, default_language
          INTO school_name, school_slug, school_timezone, school_currency, school_language
          FROM schools WHERE id = NEW.school_id;
        INSERT INTO t_event_outbox
            (event_id, event_type, school_id, aggregate_type, aggregate_id, payload, created_at)
        VALUES
            (UUID(), 'selfreg.converted', NEW.school_id, 'self_registration', NEW.id,
             JSON_OBJECT(
                 'registration_id', NEW.id,
                 'student_id', NEW.student_id,
                 'student_first_name', NEW.student_first_name,
                 'student_last_name', NEW.student_last_name,
                 'guardian_name', NEW.guardian_name,
                 'guardian_email', NEW.guardian_email,
             'language', NEW.language,
                 'school', JSON_OBJECT('name', school_name, 'slug', school_slug,
                                       'timezone', school_timezone, 'currency', school_currency,
                                   'default_language', school_language)
             ),
             UTC_TIMESTAMP(6));
    END IF;
END //

DROP TRIGGER IF EXISTS trg_school_created_outbox //
CREATE TRIGGER trg_school_created_outbox
AFTER INSERT ON schools
FOR EACH ROW
BEGIN
    INSERT INTO t_event_outbox
        (event_id, event_type, school_id, aggregate_type, aggregate_id, payload, created_at)
    VALUES
        (UUID(), 'school.created', NEW.id, 'school', NEW.id,
         JSON_OBJECT('school_id', NEW.id, 'name', NEW.name, 'slug', NEW.slug,
                     'timezone', NEW.timezone, 'currency', NEW.currency,
                     'default_language', NEW.default_language),
         UTC_TIMESTAMP(6));
END //

DROP TRIGGER IF EXISTS trg_school_updated_outbox //
CREATE TRIGGER trg_school_updated_outbox
AFTER UPDATE ON schools
FOR EACH ROW
BEGIN
    IF NOT (NEW.name <=> OLD.name AND NEW.slug <=> OLD.slug
            AND NEW.timezone <=> OLD.timezone AND NEW.currency <=> OLD.currency
            AND NEW.default_language <=> OLD.default_language) THEN
        INSERT INTO t_event_outbox
            (event_id, event_type, school_id, aggregate_type, aggregate_id, payload, created_at)
        VALUES
            (UUID(), 'school.updated', NEW.id, 'school', NEW.id,
             JSON_OBJECT('school_id', NEW.id, 'name', NEW.name, 'slug', NEW.slug,
                         'timezone', NEW.timezone, 'currency', NEW.currency,
                     'default_language', NEW.default_language),
             UTC_TIMESTAMP(6));
    END IF;
END //

DELIMITER ;
