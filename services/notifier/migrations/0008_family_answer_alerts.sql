-- Where the school is told that a family answered a request for information (selfreg.info.provided):
-- one staff address, or NULL (the default) for no e-mail at all.
-- depends: 0007_template_language

ALTER TABLE t_school_notice_settings
    ADD COLUMN answer_alert_email VARCHAR(254) NULL AFTER family_link_days;
