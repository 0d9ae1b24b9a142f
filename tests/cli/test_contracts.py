"""The error and `--json` contracts (issue 21, item 8), through the real CLI: every command has `--json`;
every failure, usage errors included, is one `stopwarden: error: …` line and a `hint: …` line on stderr
with exit 1, or with `--json` one JSON document `{"error", "hint"}` there; a corrupt build is reported, not
taken for "no build"; a hint never names a move the next command would refuse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from stopwarden.cli import main as entry
from stopwarden.cli.group import cli as group

CLI = str(Path(sys.executable).parent / "stopwarden")
# Commands that print nothing to parse: `serve` runs the server in the foreground until it is stopped.
WITHOUT_JSON = {("serve",)}


def _leaves(command: click.Command, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], click.Command]]:
    if not isinstance(command, click.Group):
        return [(path, command)]
    ctx = click.Context(command)
    found = []
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        assert sub is not None, name
        found += _leaves(sub, (*path, name))
    return found


LEAVES = _leaves(group, ())
PATHS = [path for path, _ in LEAVES]


def test_the_table_reaches_every_command() -> None:
    assert {path[0] for path in PATHS} == set(entry.COMMANDS)
    assert ("gate", "report") in PATHS and ("build", "worktree", "merge") in PATHS and ("demo",) in PATHS


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_every_command_has_json_and_says_a_usage_error_in_the_one_form(cli: Any, path: tuple[str, ...]) -> None:
    command = dict(LEAVES)[path]
    flags = {flag for param in command.params for flag in getattr(param, "opts", [])}
    assert ("--json" in flags) != (path in WITHOUT_JSON), path
    plain = cli(*path, "--no-such-option")
    assert (plain.code, plain.out) == (1, "")
    assert plain.err.splitlines() == [
        f"stopwarden: error: stopwarden {' '.join(path)} has no option --no-such-option",
        f"hint: see `stopwarden {' '.join(path)} --help`",
    ]
    if path in WITHOUT_JSON:
        return
    as_json = cli(*path, "--json", "--no-such-option")
    assert (as_json.code, as_json.out) == (1, "")
    assert json.loads(as_json.err) == {
        "error": f"stopwarden {' '.join(path)} has no option --no-such-option",
        "hint": f"see `stopwarden {' '.join(path)} --help`",
    }


def _script(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    [
        (["build", "start", "x", "--size", "HUGE"], "invalid --size: 'HUGE' is not one of SMALL, STANDARD, LARGE",
         "see `stopwarden build start --help`"),
        (["build", "step", "1", "x", "--tests", "3"], "stopwarden build step needs the option --passing",
         "see `stopwarden build step --help`"),
        (["build", "step"], "stopwarden build step needs the argument N", "see `stopwarden build step --help`"),
        (["build", "start", "x", "--jsn"], "stopwarden build start has no option --jsn", "did you mean --json?"),
        (["gate", "log", "--tail", "0"], "invalid --tail: 0 is not in the range x>=1",
         "see `stopwarden gate log --help`"),
        (["gate", "log", "--decision", "maybe"],
         "invalid --decision: 'maybe' is not one of continue, allow, escalate, force_allow",
         "see `stopwarden gate log --help`"),
        (["nosuch"], "no such command 'nosuch'", "see `stopwarden --help`"),
        (["build", "status", "extra"], "got unexpected extra argument (extra)", "see `stopwarden build status --help`"),
    ],
)  # fmt: skip
def test_usage_errors_from_the_console_script(installed: Path, args: list[str], error: str, hint: str) -> None:
    """The real console script: one line and a hint, exit 1 (not click's three lines and exit 2), choices
    spelled as the user types them; the same as JSON with --json, which moves nothing to stdout."""
    done = _script(installed, *args)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"stopwarden: error: {error}\nhint: {hint}\n")
    as_json = _script(installed, *args, "--json")
    assert (as_json.returncode, as_json.stdout) == (1, "")
    assert json.loads(as_json.stderr) == {"error": error, "hint": hint}


def test_an_option_without_its_value_names_its_commands_help(installed: Path) -> None:
    """click raises this one without its context: the hint names the command the words name, not the whole
    program (an operator review)."""
    done = _script(installed, "gate", "mode", "enforce", "--force")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "stopwarden: error: option '--force' requires an argument\nhint: see `stopwarden gate mode --help`\n"
    )


def test_a_group_without_its_command_shows_its_help(installed: Path) -> None:
    done = _script(installed, "gate")
    assert done.returncode == 0 and done.stdout.startswith("Usage: stopwarden gate") and done.stderr == ""


def test_errors_of_the_work_itself_are_json_too(tmp_path: Path) -> None:
    """Outside a project, on the quick path and the click path alike."""
    for args in (["build", "status", "--json"], ["gate", "status", "--json"], ["gate", "report", "--format", "json"]):
        done = _script(tmp_path, *args)
        assert (done.returncode, done.stdout) == (1, ""), args
        error = json.loads(done.stderr)
        assert error["error"].startswith("not in a stopwarden project") or "stopwarden" in error["error"], error
        assert error["hint"], error
    plain = _script(tmp_path, "build", "status")
    assert plain.returncode == 1 and plain.stderr.startswith("stopwarden: error: ") and "\nhint: " in plain.stderr


def test_every_command_prints_json_with_json(installed: Path, cli: Any, tmp_path: Path) -> None:
    """A run through the commands of a project, each with --json: stdout is one JSON document."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": "a", "stop_text": "All done.", "expected": {"decision": "allow"}}\n')
    runs = [
        ["build", "start", "json everywhere", "--owner-session", "me"],
        ["build", "status"], ["build", "list"], ["build", "phase", "executing", "--build", "ID"],
        ["build", "step", "1", "first", "--tests", "1", "--passing", "1", "--build", "ID"],
        ["build", "worktree", "create", "--build", "ID"], ["build", "worktree", "merge", "--build", "ID"],
        ["build", "worktree", "remove", "--build", "ID"],
        ["build", "log"], ["build", "report", "--build", "ID"], ["build", "resume", "--build", "ID"],
        ["build", "complete", "--build", "ID"], ["build", "start", "second", "--owner-session", "me"],
        ["build", "abandon", "--reason", "dropped", "--build", "LAST"],
        ["gate", "status"], ["gate", "log"], ["gate", "report"], ["gate", "review"], ["gate", "reset-breaker"],
        ["gate", "mode", "shadow"], ["gate", "kill-switch", "off"], ["gate", "authority", "rules"],
        ["gate", "export", "--annotated", "--output", str(tmp_path / "out.jsonl")],
        ["store", "check"], ["store", "migrate"], ["store", "approve"],
        ["status"], ["start"], ["status"], ["open", "--print"], ["stop"],
        ["doctor"],
        ["eval", str(cases)], ["init", "--agent", "claude-code"], ["uninstall"],
    ]  # fmt: skip
    started: list[str] = []  # the builds started, in order: ID is the first, LAST the latest
    seen = set()
    for args in runs:
        args = [{"ID": started[:1], "LAST": started[-1:]}.get(a, [a])[0] for a in args]
        result = cli(*args, "--json")
        # One document, whatever the exit status (`status` exits 1 when the server is not running, `build
        # resume` when this session, not "me", cannot resume the build; `gate export` has nothing annotated to
        # export, an error whose document is on stderr).
        refused = (args == ["status"] and "start" not in seen) or args[:2] in (["build", "resume"], ["gate", "export"])
        assert result.code == (1 if refused else 0), (args, result.err)
        data = json.loads(result.err if args[:2] == ["gate", "export"] else result.out)
        started += [data["id"]] if args[:2] == ["build", "start"] else []
        seen.add(args[0])
    ran = {tuple(w for w in args if not w.startswith("-"))[: len(path)] for args in runs for path in PATHS}
    assert set(PATHS) - ran == {("demo",), ("serve",)}  # `demo --json` runs in tests/test_demo.py
    report = cli("gate", "report", "--json").json()
    assert cli("gate", "report", "--format", "json").json() | {"since": report["since"]} == report


# --- a corrupt build --------------------------------------------------------------------------------------


def _corrupt(root: Path, build_id: str) -> Path:
    state = root / ".stopwarden" / "builds" / f"{build_id}.json"
    state.write_text("{not json")
    return state


def test_a_corrupt_build_is_reported_by_status_and_list(installed: Path, cli: Any, tmp_path: Path) -> None:
    mine = cli("build", "start", "the one", "--owner-session", "me", "--json").json()
    state = _corrupt(installed, mine["id"])
    for args in (["build", "status"], ["build", "list"]):
        result = cli(*args)
        assert (result.code, result.out) == (1, ""), args
        error, hint = result.err.splitlines()
        assert error.startswith(f"stopwarden: error: build state {state} is corrupt"), error
        assert hint.startswith("hint: repair it, or move it out of .stopwarden/builds/"), hint
        as_json = cli(*args, "--json")
        assert as_json.code == 1 and str(state) in json.loads(as_json.err)["error"]
    # The quick path (no click) hands the failure to click: the same bytes either way.
    done = _script(installed, "build", "status")
    assert (done.returncode, done.stdout) == (1, "") and f"build state {state} is corrupt" in done.stderr


def test_a_corrupt_build_beside_readable_ones(installed: Path, cli: Any) -> None:
    """`list` shows what it can read and says what it cannot (exit 1); `status` will not guess which build
    is meant when the unreadable one may be it, yet answers for a build named or this session's own."""
    broken = cli("build", "start", "broken", "--owner-session", "a", "--json").json()["id"]
    fine = cli("build", "start", "fine", "--owner-session", "b", "--json").json()["id"]
    state = _corrupt(installed, broken)
    listed = cli("build", "list")
    assert listed.code == 1 and fine in listed.out and broken not in listed.out
    assert f"build state {state} is corrupt" in listed.err
    status = cli("build", "status")
    assert status.code == 1 and str(state) in status.err and "--build ID" in status.err
    assert cli("build", "status", "--build", fine).code == 0


# --- hints name legal moves only --------------------------------------------------------------------------


@pytest.mark.parametrize("route", [[], ["clarify"], ["planning"], ["executing", "verifying"]])
def test_the_hint_of_a_refused_step_is_a_legal_way_there(installed: Path, cli: Any, route: list[str]) -> None:
    """Follow the hint of `build step` word for word: it ends where a step is recorded."""
    build_id = cli("build", "start", "hints", "--owner-session", "me", "--json").json()["id"]
    for phase in route:
        if phase == "verifying":
            assert cli("build", "step", "1", "a", "--tests", "1", "--passing", "0", "--build", build_id).code == 0
        assert cli("build", "phase", phase, "--build", build_id).code == 0
    step = ["build", "step", "1", "a", "--tests", "1", "--passing", "1", "--build", build_id]
    refused = cli(*step)
    if not route:  # idle: straight to executing
        assert refused.err.splitlines()[1] == "hint: move it there: `stopwarden build phase executing`"
    moves = [part.split("`")[1] for part in refused.err.splitlines()[1].split(", then ")]
    for move in moves:
        assert cli(*move.split()[1:], "--build", build_id).code == 0, move
    assert cli(*step).code == 0


@pytest.mark.parametrize("end", ["complete", "abandon", "escalated"])
def test_a_finished_build_suggests_no_phase_move(installed: Path, cli: Any, end: str) -> None:
    build_id = cli("build", "start", "done", "--owner-session", "me", "--json").json()["id"]
    assert cli("build", "phase", "executing", "--build", build_id).code == 0
    assert cli("build", "step", "1", "a", "--tests", "1", "--passing", "1", "--build", build_id).code == 0
    ending = {"complete": ["build", "complete"], "abandon": ["build", "abandon", "--reason", "dropped"],
              "escalated": ["build", "phase", "escalated", "--evidence", "ask the user"]}[end]  # fmt: skip
    assert cli(*ending, "--build", build_id).code == 0
    refused = cli("build", "step", "2", "b", "--tests", "1", "--passing", "1", "--build", build_id)
    assert refused.code == 1 and "build phase" not in refused.err
    assert ("build resume" if end == "escalated" else "build start") in refused.err.splitlines()[1]
