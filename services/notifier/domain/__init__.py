"""The notifier's rules as plain functions and dataclasses: what each event sends, consent,
quiet hours, reminders and collapsing, the signed tokens of its links, and rendering a
school's templates in a bounded sandbox. Nothing here talks to MySQL, RabbitMQ or SMTP."""
