"""The `edquill` command line: a root group that each service extends.

Services register their commands under the `edquill.commands` entry point group (see
pyproject.toml); they are loaded when the command runs, never at import. Every failure ends as
one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import logging
import sys
from importlib.metadata import entry_points

import click

from shared.config import Settings
from shared.config_error import ConfigError
from shared.logs import configure_logging


class EdquillGroup(click.Group):
    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *_plugin_commands()})

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and name in _plugin_commands():
            command = _plugin_commands()[name].load()
        return command


def _plugin_commands():
    return {entry.name: entry for entry in entry_points(group="edquill.commands")}


@click.group(cls=EdquillGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--log-level",
    default="INFO",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
)
@click.pass_context
def cli(ctx: click.Context, log_level: str) -> None:
    """EdQuill V2: registrar platform services and operations."""
    configure_logging(log_level)
    if ctx.invoked_subcommand in DEVELOPMENT_COMMANDS:
        return  # it sets up a developer's environment first, then reads the settings
    if HELP_OPTIONS & set(sys.argv[1:]):
        return  # help runs no command: it needs no settings, so none can be missing
    ctx.obj = settings_from_env()


HELP_OPTIONS = frozenset({"-h", "--help"})


# Commands that run a whole system on a developer's machine and read their settings after
# saying so (EDQUILL_ENV=development, a key of the machine's own).
DEVELOPMENT_COMMANDS = frozenset({"up"})


def settings_from_env() -> Settings:
    """The process's settings; a bad or, in production, weak value stops it with one line."""
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        # One line, naming the command, instead of click's usage block.
        command = exc.ctx.command_path if exc.ctx else "edquill"
        click.echo(f"{command}: {exc.format_message()} (see --help)", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except ConfigError as exc:  # a bad variable, read by the command itself: it names it
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # the one place an unexpected failure becomes one clear line
        logging.getLogger("edquill").debug("command failed", exc_info=True)
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
