"""Every write the user sees: JSON for agents (`--json`), plain lines for people, errors on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def json_option(f: F) -> F:
    """The `--json` flag every command has: one JSON document on stdout instead of readable lines."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document (for agents).")(f)


def build_option(f: F) -> F:
    """`--build ID`: which build to act on, when the calling session's own or the only active one won't do."""
    return click.option("--build", "build_id", metavar="ID", help="The build to act on.")(f)


def emit(as_json: bool, data: Any, text: str) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(text)


def warn(message: str) -> None:
    click.echo(f"stopwarden: warning: {message}", err=True)
