"""The KPI use cases: fold a batch of events, rebuild a day from the ledger, read a school's
figures, reconcile them with the registrar's. Each one is handed the connection (or the
consumer's cursor) and decides its transactions; it calls the stores and the domain."""
