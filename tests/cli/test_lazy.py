"""Quick commands (issue 20): `--version` and `build status` answered without click, the same to the byte as
through click; every other command loaded only when it is used, with `--help` listing them all from the
table in cli/main.py, which cannot drift from each command's own help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from stopwarden import __version__
from stopwarden.cli import main as entry
from stopwarden.cli.group import LazyGroup

COMMAND_MODULES = {"build", "evaluate", "gate", "install", "server", "store"}

# Runs the CLI in a fresh interpreter, through `main` (the console script's entry) or through the click
# group alone, then reports every module loaded, into the file named by argv[1].
PROBE = """
import sys
modules_file, how, args = sys.argv[1], sys.argv[2], sys.argv[3:]
if how == "main":
    from stopwarden.cli.main import main as run
else:
    from stopwarden.cli.group import run
try:
    code = run(args)
finally:
    sys.stdout.flush()
    open(modules_file, "w").write(" ".join(sorted(sys.modules)))
sys.exit(code)
"""


def _run(tmp_path: Path, cwd: Path, how: str, *args: str) -> tuple[int, bytes, bytes, set[str]]:
    modules = tmp_path / f"modules-{how}"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(modules), how, *args], capture_output=True, cwd=cwd, timeout=60
    )
    return done.returncode, done.stdout, done.stderr, set(modules.read_text().split())


def _loaded_commands(modules: set[str]) -> set[str]:
    return {m.split(".")[2] for m in modules if m.startswith("stopwarden.cli.") and m.split(".")[2] in COMMAND_MODULES}


@pytest.fixture
def owned(installed: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`installed` with a build this session owns, whose task holds text a terminal would obey."""
    monkeypatch.setenv("STOPWARDEN_SESSION_ID", "owner")
    assert cli("build", "start", "Port the \x1b[31mparser\u202e to Rust: ü", "--owner-session", "owner").code == 0
    assert cli("build", "phase", "executing").code == 0
    assert cli("build", "step", "1", "lexer", "--tests", "3", "--passing", "2").code == 0
    return installed


@pytest.mark.parametrize("args", [["--version"], ["build", "status"], ["build", "status", "--json"]])
def test_quick_commands_answer_without_click_as_click_does(owned: Path, tmp_path: Path, args: list[str]) -> None:
    code, out, err, modules = _run(tmp_path, owned, "main", *args)
    assert (code, err) == (0, b"")
    assert not any(m == "click" or m.startswith("click.") for m in modules)
    assert "typing" not in modules  # a few ms, a fifth of an interpreter start
    others = {m.split(".")[0] for m in modules} - set(sys.stdlib_module_names) - {"__main__", "stopwarden"}
    assert others <= {"_distutils_hack"}, f"non-stdlib imports on the quick path: {others}"  # setuptools' .pth
    assert _run(tmp_path, owned, "click", *args)[:3] == (code, out, err)
    if args == ["--version"]:
        assert out == f"stopwarden, version {__version__}\n".encode()
    elif "--json" in args:
        assert json.loads(out)["task"] == "Port the \x1b[31mparser\u202e to Rust: ü"
    else:
        assert b"Port the \\x1b[31mparser\\u202e to Rust: \xc3\xbc" in out and b"(you, by session)" in out


@pytest.mark.parametrize(
    "args",
    [
        ["build", "status"],  # no project here: the error comes from the click path
        ["build", "status", "--jsn"],
        ["build", "status", "--json", "extra"],
        ["--version", "--help"],
        ["build", "status", "--build", "nope"],
    ],
)
def test_anything_else_goes_through_click(tmp_path: Path, args: list[str]) -> None:
    code, out, err, modules = _run(tmp_path, tmp_path, "main", *args)
    assert "click" in modules
    assert _run(tmp_path, tmp_path, "click", *args)[:3] == (code, out, err)
    if "--json" in args:
        assert code == 1 and set(json.loads(err)) == {"error", "hint"}, err
    elif args != ["--version", "--help"]:
        assert code == 1 and err.startswith(b"stopwarden: error:"), err


def test_a_build_the_quick_path_cannot_read_is_reported_by_click(owned: Path, tmp_path: Path) -> None:
    for state in (owned / ".stopwarden" / "builds").glob("*.json"):
        state.write_text("{not json")
    code, out, err, modules = _run(tmp_path, owned, "main", "build", "status")
    assert code == 1 and out == b"" and err.startswith(b"stopwarden: error: ") and "click" in modules
    assert _run(tmp_path, owned, "click", "build", "status")[:3] == (code, out, err)


def test_help_imports_no_command_and_a_command_only_its_own(installed: Path, tmp_path: Path) -> None:
    code, out, _, modules = _run(tmp_path, installed, "main", "--help")
    assert code == 0 and _loaded_commands(modules) == set()
    assert all(f"  {name} " in out.decode() for name in entry.COMMANDS)
    code, out, _, modules = _run(tmp_path, installed, "main", "gate", "log")
    assert code == 0 and out == b"no decisions yet\n"
    assert _loaded_commands(modules) == {"gate"}
    assert not any(m.startswith(("sqlalchemy.dialects.postgresql", "psycopg")) for m in modules)  # a SQLite store
    assert _loaded_commands(_run(tmp_path, installed, "main", "build", "list")[3]) == {"build"}


def _real(name: str) -> click.Command:
    module, attribute, _ = entry.COMMANDS[name]
    command = getattr(__import__(f"stopwarden.cli.{module}", fromlist=[attribute]), attribute)
    assert isinstance(command, click.Command)
    return command


@pytest.mark.parametrize("name", sorted(entry.COMMANDS))
def test_the_table_holds_each_commands_own_short_help(name: str) -> None:
    command = _real(name)
    assert command.name == name
    assert entry.COMMANDS[name][2] == command.get_short_help_str(limit=10_000)


def test_the_table_lists_every_top_level_command() -> None:
    """Each command defined in a command module is in the table, or is a subcommand of one that is."""
    listed = {id(_real(name)) for name in entry.COMMANDS}
    for module_name in COMMAND_MODULES:
        module = __import__(f"stopwarden.cli.{module_name}", fromlist=["_"])
        commands = [v for v in vars(module).values() if isinstance(v, click.Command)]
        nested = {id(sub) for c in commands if isinstance(c, click.Group) for sub in c.commands.values()}
        assert {id(c) for c in commands} - nested <= listed, f"a command of cli/{module_name}.py is not in the table"


@pytest.mark.parametrize("width", [40, 60, 80, 100, 200])
def test_the_help_listing_is_clicks_own(width: int) -> None:
    """The lazy listing, with nothing loaded, is what click prints with every command loaded."""

    def listing(group: click.Group) -> str:
        formatter = click.HelpFormatter(width=width)
        group.format_commands(click.Context(group), formatter)
        return formatter.getvalue()

    eager = click.Group(commands={name: _real(name) for name in entry.COMMANDS})
    assert listing(LazyGroup()) == listing(eager)
    assert listing(eager).count("\n") == len(entry.COMMANDS) + 1
