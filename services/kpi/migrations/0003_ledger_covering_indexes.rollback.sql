ALTER TABLE t_kpi_event_ledger
    DROP KEY ix_kpi_ledger_day,
    ADD KEY ix_kpi_ledger_day (school_id, day, kind),
    DROP KEY ix_kpi_ledger_registration,
    ADD KEY ix_kpi_ledger_registration (school_id, registration_id, kind),
    DROP KEY ix_kpi_ledger_invoice,
    ADD KEY ix_kpi_ledger_invoice (school_id, invoice_id, kind);
