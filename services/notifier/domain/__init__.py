"""The notifier's rules as plain functions and dataclasses: what each event sends, consent,
quiet hours, reminders and collapsing. Nothing here talks to MySQL, RabbitMQ or SMTP."""
