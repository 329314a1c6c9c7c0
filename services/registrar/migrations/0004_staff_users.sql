-- Staff accounts: people who sign in with e-mail and password and get a school-scoped token.
-- depends: 0003_audit_flags_tokens

CREATE TABLE t_user (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    -- Sign-in names the e-mail only, so an address belongs to one account across all schools
    -- (the collation makes the uniqueness case-insensitive).
    email VARCHAR(254) NOT NULL,
    role ENUM('admin', 'registrar', 'viewer') NOT NULL,
    -- werkzeug.security's "scrypt:N:r:p$salt$hash": slow and salted, never the password.
    password_hash VARCHAR(255) NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_login_at DATETIME(6) NULL,
    disabled_at DATETIME(6) NULL,
    UNIQUE KEY uq_user_email (email),
    KEY ix_user_school (school_id),
    CONSTRAINT fk_user_school FOREIGN KEY (school_id) REFERENCES schools (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
