-- Teachers, their weekly class schedules, and where each registration is placed.
-- depends: 0003_audit_flags_tokens

CREATE TABLE teachers (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(200) NOT NULL,
    email VARCHAR(254) NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    -- Lets schedules reference (school, teacher), so a schedule cannot name another school's
    -- teacher even by mistake.
    UNIQUE KEY uq_teachers_school_id (school_id, id),
    CONSTRAINT fk_teachers_school FOREIGN KEY (school_id) REFERENCES schools (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A class meeting every `weekday` (0 = Monday) from start_time to end_time (end excluded), on
-- the days from starts_on to ends_on (both included). The CHECKs hold on MariaDB; MySQL 5.7
-- parses and ignores them, and the service checks the same rules before writing.
CREATE TABLE class_schedules (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    teacher_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(200) NOT NULL,
    program VARCHAR(120) NULL,
    room VARCHAR(80) NULL,
    weekday TINYINT UNSIGNED NOT NULL,
    start_time TIME NOT NULL,
    end_time TIME NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    capacity SMALLINT UNSIGNED NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_class_schedules_school_id (school_id, id),
    KEY ix_class_schedules_teacher (school_id, teacher_id),
    KEY ix_class_schedules_program (school_id, program),
    CONSTRAINT fk_class_schedules_teacher FOREIGN KEY (school_id, teacher_id)
        REFERENCES teachers (school_id, id),
    CONSTRAINT ck_class_schedules_weekday CHECK (weekday <= 6),
    CONSTRAINT ck_class_schedules_times CHECK (end_time > start_time),
    CONSTRAINT ck_class_schedules_term CHECK (ends_on >= starts_on),
    CONSTRAINT ck_class_schedules_capacity CHECK (capacity >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One active placement per registration: re-assigning updates the row (the audit log keeps
-- the history). The placement's teacher is its schedule's teacher.
CREATE TABLE class_placements (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NOT NULL,
    placed_by VARCHAR(254) NOT NULL,
    placed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_class_placements_registration (registration_id),
    KEY ix_class_placements_schedule (school_id, schedule_id),
    CONSTRAINT fk_class_placements_registration FOREIGN KEY (registration_id)
        REFERENCES student_self_registrations (id),
    CONSTRAINT fk_class_placements_schedule FOREIGN KEY (school_id, schedule_id)
        REFERENCES class_schedules (school_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
