-- Documents families hand in with a registration. The bytes live on disk under
-- EDQUILL_DOCUMENTS_DIR (storage_key is the file's name there); this table says whose they are.
-- depends: 0012_students

CREATE TABLE registration_documents (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    kind VARCHAR(40) NOT NULL,
    original_filename VARCHAR(255) NOT NULL,
    -- Sniffed from the bytes, never taken from the client.
    content_type VARCHAR(64) NOT NULL,
    size_bytes INT UNSIGNED NOT NULL,
    sha256 CHAR(64) NOT NULL,
    storage_key VARCHAR(100) NOT NULL,
    uploaded_by VARCHAR(254) NOT NULL,
    uploaded_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    verified_by VARCHAR(254) NULL,
    verified_at DATETIME(6) NULL,
    UNIQUE KEY uq_registration_documents_storage (storage_key),
    KEY ix_registration_documents_registration (school_id, registration_id, id),
    CONSTRAINT fk_registration_documents_registration FOREIGN KEY (registration_id)
        REFERENCES student_self_registrations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
