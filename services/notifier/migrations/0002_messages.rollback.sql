DROP TABLE t_reminder;
DROP TABLE t_consent;
DROP TABLE t_message_log;
DROP TABLE t_message_template;
DROP TABLE t_school_notice_settings;
DROP TABLE t_school;
