"""The registrar's rules, free of Flask, SQL and pika: lifecycle, scheduling, money."""
