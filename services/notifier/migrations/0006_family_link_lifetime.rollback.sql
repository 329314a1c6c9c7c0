ALTER TABLE t_school_notice_settings DROP COLUMN family_link_days;
