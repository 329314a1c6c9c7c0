"""One environment variable's value parsed, or a ConfigError naming the variable."""

from __future__ import annotations

from typing import Mapping

from shared.config_error import ConfigError


def comma_list(value: str) -> tuple[str, ...]:
    """A comma-separated variable's items, blanks dropped."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


def port_number(variable: str, value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"{variable} must be a port number, got {value!r}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{variable} must be between 1 and 65535, got {port}")
    return port


def service_ports(
    env: Mapping[str, str], defaults: Mapping[str, int], suffix: str = "PORT"
) -> dict[str, int]:
    """Each name's port from EDQUILL_<NAME>_<suffix> when set, else its default."""
    ports = dict(defaults)
    for name in ports:
        variable = f"EDQUILL_{name.upper()}_{suffix}"
        if variable in env:
            ports[name] = port_number(variable, env[variable])
    return ports


def seconds(variable: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{variable} must be a number of seconds, got {value!r}") from None
    if not 0 <= number < float("inf"):
        raise ConfigError(f"{variable} must be 0 or more seconds, got {value!r}")
    return number
