"""MySQL tables and the other services over HTTP: *_store modules (the dashboard's own
tables), *_client modules (the KPI service, the notifier) and the cache their answers pass."""
