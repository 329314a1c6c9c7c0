"""The notifier's use cases: writing a message into the log, an unsubscribe, a confirmed yes,
a school's templates, the links a message carries. Each opens or joins the transaction and
raises domain errors (shared.errors), never HTTP statuses."""
