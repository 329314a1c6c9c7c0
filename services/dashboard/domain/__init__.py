"""The dashboard's rules, free of Flask, SQL and pika: periods, tiles, registration state and
the action rail."""
