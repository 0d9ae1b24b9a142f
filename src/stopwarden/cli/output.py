"""Every write the user sees: JSON for agents (`--json`), plain lines for people, errors on stderr.

Much of what we print was written by someone else (a model's stop text, a session id, a build task from a
cloned repository, a server's answer), so nothing reaches the terminal raw: `emit`, `echo` and `warn`
escape every control and format character (see `stopwarden.common.termsafe`). Rows that hold such text are also
escaped one by one where they are built (`termsafe.lines`), so that a newline inside one shows as `\\n`
instead of starting a forged row.

Colour goes only to a terminal (`termsafe.colour`), only around our own words, and only into text whose
every other piece is already escaped: such text is printed with `emit_escaped`, which does not escape
again (that would show the colour codes instead of obeying them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from stopwarden.common import termsafe

F = TypeVar("F", bound=Callable[..., Any])


def json_option(f: F) -> F:
    """The `--json` flag every command has: one JSON document on stdout instead of readable lines."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document (for agents).")(f)


def build_option(f: F) -> F:
    """`--build ID`: which build to act on, when the calling session's own or the only active one won't do."""
    return click.option("--build", "build_id", metavar="ID", help="The build to act on.")(f)


def emit(as_json: bool, data: Any, text: str) -> None:
    if as_json:
        click.echo(termsafe.dumps(data))
    else:
        echo(text)


def emit_escaped(as_json: bool, data: Any, text: str) -> None:
    """`emit` for text built of escaped pieces (termsafe.line) and our own coloured words (termsafe.paint)."""
    click.echo(termsafe.dumps(data) if as_json else text)


def colour() -> bool:
    """Whether stdout is to be coloured (a terminal, and nobody asked for none)."""
    return termsafe.colour(sys.stdout)


PIPE_WIDTH = 100  # where readable lines are wrapped when stdout is not a terminal (a file, a pipe, a log)


def width() -> int:
    """The width to wrap readable lines at: the terminal's (COLUMNS when set), else PIPE_WIDTH."""
    import shutil

    if not sys.stdout.isatty():
        return PIPE_WIDTH
    return max(shutil.get_terminal_size((PIPE_WIDTH, 24)).columns, 40)


def wrap(row: str, width: int, indent: int) -> list[str]:
    """One escaped row as lines of at most `width` characters, broken between words only (a path or a command
    longer than the line stays whole), each line after the first indented by `indent` spaces."""
    import textwrap

    return textwrap.wrap(
        row, width, subsequent_indent=" " * indent, break_long_words=False, break_on_hyphens=False
    ) or [row]


def warning_row(text: str, colour: bool) -> str:
    """`warning: TEXT` as a row of a command's readable output, TEXT escaped, the word in yellow on a terminal."""
    return f"{termsafe.paint('warning:', 'warn', colour)} {termsafe.line(text)}"


def echo(text: str, err: bool = False) -> None:
    """Readable text, multi-line by design: its lines are kept, everything else that is not printable is
    shown escaped."""
    click.echo(termsafe.block(text), err=err)


def warn(message: str) -> None:
    click.echo(f"stopwarden: warning: {termsafe.line(message)}", err=True)
