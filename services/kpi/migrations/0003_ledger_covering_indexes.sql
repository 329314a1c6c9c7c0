-- Indexes that hold every column daily-aggregate reads, so rebuilding a busy day reads index
-- pages only, not one clustered-row lookup per ledger row (a large ledger does not fit in
-- the buffer pool, and those lookups were the rebuild's time).
-- depends: 0002_kpi_figures

ALTER TABLE t_kpi_event_ledger
    DROP KEY ix_kpi_ledger_day,
    ADD KEY ix_kpi_ledger_day (school_id, day, kind, source, currency, amount_minor,
                               registration_id, invoice_id, occurred_at),
    DROP KEY ix_kpi_ledger_registration,
    ADD KEY ix_kpi_ledger_registration (school_id, registration_id, kind, occurred_at),
    DROP KEY ix_kpi_ledger_invoice,
    ADD KEY ix_kpi_ledger_invoice (school_id, invoice_id, kind, amount_minor);
