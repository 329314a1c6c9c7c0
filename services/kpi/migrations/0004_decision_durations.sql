-- Each decision's time since its submission, kept on the decision's own ledger row, so the
-- median time to decision over a range reads one covering index instead of joining every
-- decision to its submission.
-- depends: 0003_ledger_covering_indexes

ALTER TABLE t_kpi_event_ledger
    ADD COLUMN decision_us BIGINT NULL,
    DROP KEY ix_kpi_ledger_day,
    ADD KEY ix_kpi_ledger_day (school_id, day, kind, source, currency, amount_minor,
                               registration_id, invoice_id, occurred_at, decision_us);

UPDATE t_kpi_event_ledger decision
  JOIN t_kpi_event_ledger lead
    ON lead.school_id = decision.school_id AND lead.registration_id = decision.registration_id
   AND lead.kind = 'lead'
   SET decision.decision_us = TIMESTAMPDIFF(MICROSECOND, lead.occurred_at, decision.occurred_at)
 WHERE decision.kind IN ('approval', 'rejection');
