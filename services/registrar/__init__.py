"""The registrar service: registrations, classes, invoices, audit log, feature flags and the
outbox table."""
