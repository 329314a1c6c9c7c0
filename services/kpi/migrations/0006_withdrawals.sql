-- Registrations a family withdrew, per school and local day: a ledger kind of its own and a
-- count on the marketing row, folded from selfreg.status.updated to withdrawn.
-- depends: 0005_decision_times_daily

ALTER TABLE t_kpi_event_ledger
    MODIFY kind ENUM('lead', 'review', 'info_request', 'approval', 'rejection', 'enrollment',
                     'invoiced', 'collected', 'autopay', 'withdrawal') NOT NULL;

ALTER TABLE t_marketing_kpi_daily
    ADD COLUMN withdrawals INT UNSIGNED NOT NULL DEFAULT 0 AFTER enrollments;
