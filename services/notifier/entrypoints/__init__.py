"""Where work comes into the notifier: the HTTP app and its views, the families' link pages,
the `edquill notifier` commands, the event consumer and the worker's sender and scheduler
loops."""
