-- Invitations to join a school's staff: an admin names an address and a role, the notifier
-- e-mails the address a signed link (shared/staff_invitation_links.py, never stored), and the
-- colleague sets a password on the page it opens, which makes the account (t_user).
-- Each invitation is a row of its own, so its id is the version a link is good for: inviting
-- an address again replaces its open invitation (state 'replaced'), and only the newest
-- works; accepting spends it. Rows stay as the invitations' history.
-- depends: 0020_class_archive

CREATE TABLE t_staff_invitation (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    school_id BIGINT UNSIGNED NOT NULL,
    -- Kept lower-case, as t_user keeps addresses.
    email VARCHAR(254) NOT NULL,
    role ENUM('admin', 'registrar', 'viewer') NOT NULL,
    invited_by VARCHAR(254) NOT NULL,
    -- open (its link works until expires_at), accepted, replaced (a newer one was sent) or
    -- cancelled (by an admin).
    state VARCHAR(16) NOT NULL DEFAULT 'open',
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    ended_at DATETIME(6) NULL,
    -- The account made when the invitation was accepted.
    user_id BIGINT UNSIGNED NULL,
    -- An address's invitations, newest last (re-inviting, and "is this the newest?"); the
    -- staff page's open ones.
    KEY ix_staff_invitation_address (school_id, email, id),
    KEY ix_staff_invitation_state (school_id, state, id),
    CONSTRAINT fk_staff_invitation_school FOREIGN KEY (school_id) REFERENCES schools (id),
    CONSTRAINT fk_staff_invitation_user FOREIGN KEY (user_id) REFERENCES t_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
