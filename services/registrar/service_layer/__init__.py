"""One function per command or query: each opens its transaction, calls the stores and raises
the domain errors of shared.errors (never an HTTP status)."""
