"""Where requests and commands come in: the Flask app, its API views and staff/family pages,
the access checks, and the `edquill school|token|user|demo` commands. Thin: load, call the
service layer, answer."""
