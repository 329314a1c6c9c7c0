-- Stage counts on student_self_registrations (MySQL 5.7 / MariaDB 10.6+): t_stage_count holds
-- how many registrations each school has in each status, changed in the same transaction as
-- the registration, whoever changes it.
--
-- Load by hand with:  mysql edquill_registrar < sql/triggers_stage_counts.sql
-- `edquill migrate` loads this file too. Re-running it is safe: each trigger is dropped first.
--
-- A status change moves one count down and another up. Two changes in opposite directions
-- (in_review -> needs_info and needs_info -> in_review) would deadlock if each locked its
-- counters in its own order, so both counters are always touched in status order.

DELIMITER //

DROP TRIGGER IF EXISTS trg_ssr_stage_count_insert //
CREATE TRIGGER trg_ssr_stage_count_insert
AFTER INSERT ON student_self_registrations
FOR EACH ROW
BEGIN
    INSERT INTO t_stage_count (school_id, status, registrations)
    VALUES (NEW.school_id, NEW.status, 1)
    ON DUPLICATE KEY UPDATE registrations = registrations + 1;
END //

DROP TRIGGER IF EXISTS trg_ssr_stage_count_update //
CREATE TRIGGER trg_ssr_stage_count_update
AFTER UPDATE ON student_self_registrations
FOR EACH ROW
BEGIN
    IF NOT (NEW.status <=> OLD.status) OR NEW.school_id <> OLD.school_id THEN
        IF OLD.school_id < NEW.school_id
           OR (OLD.school_id = NEW.school_id AND OLD.status < NEW.status) THEN
            UPDATE t_stage_count SET registrations = registrations - 1
             WHERE school_id = OLD.school_id AND status = OLD.status;
            INSERT INTO t_stage_count (school_id, status, registrations)
            VALUES (NEW.school_id, NEW.status, 1)
            ON DUPLICATE KEY UPDATE registrations = registrations + 1;
        ELSE
            INSERT INTO t_stage_count (school_id, status, registrations)
            VALUES (NEW.school_id, NEW.status, 1)
            ON DUPLICATE KEY UPDATE registrations = registrations + 1;
            UPDATE t_stage_count SET registrations = registrations - 1
             WHERE school_id = OLD.school_id AND status = OLD.status;
        END IF;
    END IF;
END //

DROP TRIGGER IF EXISTS trg_ssr_stage_count_delete //
CREATE TRIGGER trg_ssr_stage_count_delete
AFTER DELETE ON student_self_registrations
FOR EACH ROW
BEGIN
    UPDATE t_stage_count SET registrations = registrations - 1
     WHERE school_id = OLD.school_id AND status = OLD.status;
END //

DELIMITER ;
