ALTER TABLE t_kpi_event_ledger
    DROP KEY ix_kpi_ledger_day,
    DROP COLUMN decision_us,
    ADD KEY ix_kpi_ledger_day (school_id, day, kind, source, currency, amount_minor,
                               registration_id, invoice_id, occurred_at);
