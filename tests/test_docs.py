"""The docs cannot drift from the code: every command has help with an example and is named in the guides
(README.md and docs/*.md), and every audit event and phase the code knows is named there too.

docs/cli.md, generated from the help (tests/test_cli_reference.py), does not count: a command must be
explained in prose, not only listed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from stopwarden.cli.group import cli
from stopwarden.common.names import AUDIT_EVENTS, PHASES

ROOT = Path(__file__).parents[1]
GUIDES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "cli.md")]
DOCS = "\n".join(p.read_text() for p in GUIDES)


def _commands(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
    """Every command under `group`, loading the lazy ones (cli/group.py)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"{prefix} {name} is listed but cannot be loaded"
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path, command


COMMANDS = dict(_commands(cli, "stopwarden"))


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_command_has_help_with_an_example(path: str) -> None:
    help_text = COMMANDS[path].help or ""
    assert help_text.strip(), f"{path} has no help"
    assert f"Example:\n  {path}" in help_text.replace("\b\n", "").replace("      ", "  "), f"{path} lacks an example"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_command_is_in_the_guides(path: str) -> None:
    assert f"`{path}" in DOCS or f"$ {path}" in DOCS, f"{path} is documented in neither README.md nor docs/*.md"


@pytest.mark.parametrize("name", AUDIT_EVENTS + PHASES)
def test_vocabulary_is_in_the_guides(name: str) -> None:
    assert f"`{name}`" in DOCS or name in DOCS, f"{name} is named in neither README.md nor docs/*.md"
