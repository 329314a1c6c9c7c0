"""EdQuill's common package: configuration, database and broker access, the event envelope,
the base consumer, metrics and the command line every service plugs into."""
