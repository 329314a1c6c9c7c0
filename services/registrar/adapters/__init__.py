"""What the registrar talks to: its MySQL tables (one `*_store` module per table group), the
notifier over HTTP (`notifier_client`) and document bytes on disk (`document_files`)."""
