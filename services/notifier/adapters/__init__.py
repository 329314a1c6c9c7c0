"""What the notifier talks to: its MySQL tables (one *_store per table group), the SMTP
server, the e-mail's wire form, the default template files and the clock."""
