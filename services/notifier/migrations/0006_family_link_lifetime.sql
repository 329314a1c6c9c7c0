-- How long the family link in a school's e-mails keeps working, in days (a school setting).
-- depends: 0005_message_log_retention

ALTER TABLE t_school_notice_settings
    ADD COLUMN family_link_days SMALLINT UNSIGNED NOT NULL DEFAULT 30 AFTER invoice_reminder_hours;
