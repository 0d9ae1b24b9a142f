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

from stopwarden import __version__
from stopwarden.cli.main import COMMANDS, failure, json_requested, os_error
from stopwarden.common import termsafe
from stopwarden.common.errors import StopwardenError


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


def _no_color(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        termsafe.no_colour()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stopwarden")
@click.option(
    "--no-color",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_no_color,
    help="No colour, even on a terminal (as NO_COLOR=1 does; colour is never written elsewhere).",
)
def cli() -> None:
    """Keep AI coding agents working until the work is done, and let them stop when stopping is right.

    \b
    Start here:
      stopwarden init --agent claude-code    install into this project
      stopwarden doctor                      check that the hooks work
      stopwarden build start "<task>"        track a multi-phase build
    """


def run(args: list[str]) -> int:
    """Run the command line; every failure is said by `main.failure` (one form, JSON with `--json`)."""
    as_json = json_requested(args)
    try:
        result = cli.main(args=args, prog_name="stopwarden", standalone_mode=False)
    except StopwardenError as e:
        return _fail(e.message, e.hint, as_json, 1)
    except OSError as e:
        return _fail(*os_error(e), as_json, 1)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.NoArgsIsHelpError as e:  # a group without its command: its help is the answer
        assert e.ctx is not None
        click.echo(e.ctx.get_help())
        return 0
    except click.UsageError as e:
        return _fail(*usage(e, args), as_json, 1)
    except click.ClickException as e:  # a file click could not open for us
        return _fail(_sentence(e.format_message()), "", as_json, 1)
    except (KeyboardInterrupt, click.exceptions.Abort):
        return _fail("interrupted", "", as_json, 130)
    except Exception:
        return _fail("an unexpected error occurred (a bug)", f"details are in {_crash_log()}", as_json, 3)
    return result if isinstance(result, int) else 0


def _fail(message: str, hint: str, as_json: bool, code: int) -> int:
    click.echo(failure(message, hint, as_json), err=True)
    return code


def usage(e: click.UsageError, args: list[str] | None = None) -> tuple[str, str]:
    """A usage error as our message and hint: the parameter as the user types it (`--size`, `PHASE`), the
    choices as they are spelled (`SMALL`, not click's lower case), and where the command's help is."""
    command = e.ctx.command_path if e.ctx else _command_path(args or [])
    hint = f"see `{command} --help`"
    if isinstance(e, click.NoSuchOption):
        close = ", ".join(e.possibilities or [])
        return f"{command} has no option {e.option_name}", f"did you mean {close}?" if close else hint
    param = getattr(e, "param", None)
    if param is None:
        return _sentence(e.message), hint
    name = _spelled(param)
    choices = param.type.choices if isinstance(param.type, click.Choice) else None
    among = f"one of {', '.join(map(str, choices))}" if choices else ""
    if isinstance(e, click.MissingParameter):
        kind = "argument" if isinstance(param, click.Argument) else "option"
        return f"{command} needs the {kind} {name}" + (f" ({among})" if among else ""), hint
    if choices and " is not one of " in e.message:  # click quotes the value given, and the choices lower-cased
        return f"invalid {name}: {e.message.split(' is not one of ')[0]} is not {among}", hint
    return f"invalid {name}: {_sentence(e.message)}", hint


def _spelled(param: click.Parameter) -> str:
    """A parameter as the user writes it: an option's longest flag, an argument's name in capitals."""
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return (param.name or "").upper()


def _sentence(text: str) -> str:
    """click's message in our style: lower case first (unless a name in capitals starts it), no full stop."""
    text = text.strip().removesuffix(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _crash_log() -> str:
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="stopwarden-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"stopwarden {__version__}, Python {sys.version.split()[0]}, argv {sys.argv!r}\n")
        f.write(traceback.format_exc())
    return path


def _command_path(args: list[str]) -> str:
    """The command the arguments name, for an error click raised without its context (an option that lacks
    its value): `stopwarden gate mode`, whose help the hint then names, rather than the whole program's."""
    path: list[str] = ["stopwarden"]
    group: click.Command = cli
    for arg in args:
        if not isinstance(group, click.Group) or arg.startswith("-"):
            break
        found = group.get_command(click.Context(group), arg)  # a lazy group loads only the one it names
        if found is None:
            break
        path.append(arg)
        group = found
    return " ".join(path)
