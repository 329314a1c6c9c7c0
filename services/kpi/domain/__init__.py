"""The KPI arithmetic as plain dataclasses and functions: which event moves which figure on
which local day, how a batch of events changes the daily rows, how a day's rows follow from
its ledger entries, medians, rates, and the comparison with the registrar's own counts.
Nothing here talks to MySQL, RabbitMQ or HTTP."""
