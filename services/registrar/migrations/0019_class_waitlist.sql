-- A full class's waitlist, and the seat offers made to it when a seat frees: an offer holds
-- the seat for the family for the school's `seat_offer_hours` (services/registrar
-- service_layer/waitlist.py). A registration waits for a class once; it leaves the list when
-- it takes the seat, declines it or lets the offer expire.
-- depends: 0018_audit_trail_indexes

ALTER TABLE schools
    ADD COLUMN seat_offer_hours SMALLINT UNSIGNED NOT NULL DEFAULT 48;

CREATE TABLE class_waitlist (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    added_by VARCHAR(254) NOT NULL,
    added_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY uq_class_waitlist_schedule_registration (schedule_id, registration_id),
    -- The list in order (position = entries before), and a registration's own entries.
    KEY ix_class_waitlist_order (school_id, schedule_id, id),
    KEY ix_class_waitlist_registration (school_id, registration_id),
    CONSTRAINT fk_class_waitlist_registration FOREIGN KEY (registration_id)
        REFERENCES student_self_registrations (id),
    CONSTRAINT fk_class_waitlist_schedule FOREIGN KEY (school_id, schedule_id)
        REFERENCES class_schedules (school_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- state: open (holding the seat), accepted, declined, expired, or cancelled (the registration
-- closed while its offer was open). Rows stay as the offers' history.
CREATE TABLE seat_offers (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    schedule_id BIGINT UNSIGNED NOT NULL,
    registration_id BIGINT UNSIGNED NOT NULL,
    state VARCHAR(16) NOT NULL DEFAULT 'open',
    offered_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at DATETIME(6) NOT NULL,
    answered_at DATETIME(6) NULL,
    -- The seats a class holds for offers; a registration's offers; the offers past their time.
    KEY ix_seat_offers_schedule (school_id, schedule_id, state),
    KEY ix_seat_offers_registration (school_id, registration_id, state),
    KEY ix_seat_offers_expiry (state, expires_at),
    CONSTRAINT fk_seat_offers_registration FOREIGN KEY (registration_id)
        REFERENCES student_self_registrations (id),
    CONSTRAINT fk_seat_offers_schedule FOREIGN KEY (school_id, schedule_id)
        REFERENCES class_schedules (school_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
