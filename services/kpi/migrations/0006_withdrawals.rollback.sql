ALTER TABLE t_marketing_kpi_daily DROP COLUMN withdrawals;
DELETE FROM t_kpi_event_ledger WHERE kind = 'withdrawal';
ALTER TABLE t_kpi_event_ledger
    MODIFY kind ENUM('lead', 'review', 'info_request', 'approval', 'rejection', 'enrollment',
                     'invoiced', 'collected', 'autopay') NOT NULL;
