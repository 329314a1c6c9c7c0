"""How the KPI service is reached: the HTTP API (`app`, `views/`), the `edquill kpi` commands
(`cli`) and the worker's consumer (`consumer`)."""
