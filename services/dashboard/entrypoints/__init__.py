"""How the dashboard is reached: the Flask app (API views and the page), the CLI and the
event consumer."""
