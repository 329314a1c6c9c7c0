"""The KPI service's HTTP API (/api/kpi)."""
