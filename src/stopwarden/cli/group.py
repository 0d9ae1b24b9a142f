"""The click group behind `stopwarden`: parse, dispatch, and turn errors into one line and an exit code.

Each command's module is imported only when that command runs or shows its help (`LazyGroup`), and the
group's own help lists the commands from `main.COMMANDS`, so `stopwarden --help` and `stopwarden gate log`
load neither the install layer nor the build layer they do not use.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from stopwarden import __version__, termsafe
from stopwarden.cli.main import COMMANDS, os_error
from stopwarden.errors import StopwardenError


class LazyGroup(click.Group):
    """A group whose commands are `main.COMMANDS`, each imported the first time it is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute, _ = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"stopwarden.cli.{module}"), attribute)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own listing, with a stand-in holding the table's short help for each command not imported."""
        listed = {name: self.commands.get(name) or click.Command(name, help=COMMANDS[name][2]) for name in COMMANDS}
        click.Group.format_commands(click.Group(commands={**listed, **self.commands}), ctx, formatter)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stopwarden")
def cli() -> None:
    """Keep AI coding agents working until the work is done, and let them stop when stopping is right.

    \b
    Start here:
      stopwarden init --agent claude-code    install into this project
      stopwarden doctor                      check that the hooks work
      stopwarden build start "<task>"        track a multi-phase build
    """


def run(args: list[str]) -> int:
    try:
        result = cli.main(args=args, prog_name="stopwarden", standalone_mode=False)
    except StopwardenError as e:  # its message may quote a build id, a file name or a server's answer
        click.echo(termsafe.line(f"stopwarden: error: {e.message}"), err=True)
        if e.hint:
            click.echo(termsafe.line(f"hint: {e.hint}"), err=True)
        return 1
    except OSError as e:
        for line in os_error(e):
            click.echo(line, err=True)
        return 1
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("stopwarden: interrupted", err=True)
        return 130
    except Exception:
        path = _crash_log()
        click.echo(f"stopwarden: an unexpected error occurred; details are in {path}", err=True)
        return 3
    return result if isinstance(result, int) else 0


def _crash_log() -> str:
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="stopwarden-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"stopwarden {__version__}, Python {sys.version.split()[0]}, argv {sys.argv!r}\n")
        f.write(traceback.format_exc())
    return path
