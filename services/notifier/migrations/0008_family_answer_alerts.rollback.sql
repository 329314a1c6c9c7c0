-- No e-mail about answers any more: the column and the addresses in it go.
ALTER TABLE t_school_notice_settings DROP COLUMN answer_alert_email;
