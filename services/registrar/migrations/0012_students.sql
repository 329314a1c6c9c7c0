-- Enrolled students, created when a registration is converted.
-- depends: 0011_billing

CREATE TABLE students (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    last_name VARCHAR(100) NOT NULL,
    date_of_birth DATE NULL,
    guardian_name VARCHAR(200) NULL,
    guardian_email VARCHAR(254) NOT NULL,
    guardian_phone VARCHAR(40) NULL,
    program VARCHAR(120) NULL,
    -- The class placement at conversion, kept with the student.
    schedule_id BIGINT UNSIGNED NULL,
    -- Whether the registrar asked for the welcome e-mail (also sent as selfreg.welcome.requested).
    welcome_email_requested TINYINT(1) NOT NULL DEFAULT 0,
    created_by VARCHAR(254) NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    -- Converting a registration twice makes one student.
    UNIQUE KEY uq_students_registration (registration_id),
    KEY ix_students_school (school_id, last_name, first_name),
    CONSTRAINT fk_students_registration FOREIGN KEY (registration_id)
        REFERENCES student_self_registrations (id),
    CONSTRAINT fk_students_school FOREIGN KEY (school_id) REFERENCES schools (id),
    CONSTRAINT fk_students_schedule FOREIGN KEY (school_id, schedule_id)
        REFERENCES class_schedules (school_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
