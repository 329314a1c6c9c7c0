DROP TABLE t_dashboard_invoice;
DROP TABLE t_dashboard_status_daily;
DROP TABLE t_dashboard_registration;
DROP TABLE t_dashboard_school_settings;
DROP TABLE t_dashboard_school;
