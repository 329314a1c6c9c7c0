"""What the KPI service talks to: its MySQL tables (one `*_store` per table group), the
registrar over HTTP (`registrar_client`), and Prometheus (the worker's metrics, the service's
gauges)."""
