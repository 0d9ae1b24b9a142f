"""The `stopwarden` command: parse, dispatch, and turn errors into one line and an exit code.

Command groups live in their own modules and import their layer inside each command, so that
`stopwarden build status` (which agents call often) starts without loading what it does not use.
Exit codes: 0 success, 1 a StopwardenError or an OSError (the message says what to do), 2 bad usage, 3 a bug
(the traceback goes to a log file whose path is printed), 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from stopwarden import __version__, termsafe
from stopwarden.cli.build import build
from stopwarden.cli.evaluate import evaluate
from stopwarden.cli.gate import gate
from stopwarden.cli.install import demo, doctor, init, uninstall
from stopwarden.cli.server import serve, start, status, stop
from stopwarden.cli.store import store
from stopwarden.errors import StopwardenError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stopwarden")
def cli() -> None:
    """Keep AI coding agents working until the work is done, and let them stop when stopping is right.

    \b
    Start here:
      stopwarden init --agent claude-code    install into this project
      stopwarden doctor                      check that the hooks work
      stopwarden build start "<task>"        track a multi-phase build
    """


cli.add_command(build)
cli.add_command(gate)
cli.add_command(store)
cli.add_command(evaluate)
cli.add_command(init)
cli.add_command(uninstall)
cli.add_command(doctor)
cli.add_command(demo)
for command in (serve, start, stop, status):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name="stopwarden", standalone_mode=False)
    except StopwardenError as e:  # its message may quote a build id, a file name or a server's answer
        click.echo(termsafe.line(f"stopwarden: error: {e.message}"), err=True)
        if e.hint:
            click.echo(termsafe.line(f"hint: {e.hint}"), err=True)
        return 1
    except OSError as e:  # an unwritable or missing folder, a full disk: the user's to fix, not a bug
        where = f" {e.filename}" if e.filename else ""
        click.echo(termsafe.line(f"stopwarden: error: cannot use{where}: {e.strerror or e}"), err=True)
        click.echo("hint: check that the folder exists and that you may write to it", err=True)
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


if __name__ == "__main__":
    sys.exit(main())
