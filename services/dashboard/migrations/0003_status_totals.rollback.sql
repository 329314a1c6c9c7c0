DROP TABLE t_dashboard_status_total;
