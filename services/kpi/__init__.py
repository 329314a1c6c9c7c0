"""The KPI service: marketing and revenue figures per school and local day, folded from the
registrar's events. It owns the `edquill_kpi` database (the school directory, the event ledger,
the daily figure tables, the worker's progress and the rebuild runs) and serves the figures on
/api/kpi; `edquill kpi daily-aggregate` rebuilds a day and `edquill kpi reconcile` checks one
against the registrar."""
