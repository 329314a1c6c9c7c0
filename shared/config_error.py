"""The error every reader of configuration raises: its message names the variable at fault."""


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""
