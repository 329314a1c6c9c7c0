DROP TABLE t_kpi_rebuild_run;
DROP TABLE t_kpi_fold_progress;
DROP TABLE t_revenue_daily;
DROP TABLE t_marketing_kpi_source_daily;
DROP TABLE t_marketing_kpi_daily;
DROP TABLE t_kpi_event_ledger;
DROP TABLE t_kpi_school;
