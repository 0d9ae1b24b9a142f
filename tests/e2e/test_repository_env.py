"""A store variable the repository puts in the agent's environment, through the real clients (docs/security.md):
a committed `.claude/settings.json` `env` table, or Gemini CLI's project `.env`, names `$STOPWARDEN_STORE_URL`
(a PostgreSQL URL whose host never resolves). One short session runs; its SessionStart hook finds no server
and starts one, which inherits the hook's environment.

Two things are proven from the server that hook started. The client delivered the variable: it is in that
process's own environment (`/proc/<pid>/environ`), which the test never set (the client helpers strip every
`STOPWARDEN_*` variable), beside the client's own markers (`CLAUDE_PROJECT_DIR`, `GEMINI_PROJECT_DIR`). And
the fix held: a store URL from the environment is used once this machine's operator approves it (`store
approve`), which nobody did, so the server keeps the log in the project's SQLite file (it has the file
open, and answers `ok`, where the repository's unreachable database would leave it `degraded`), and its log
says why.

A session started in a folder below the project's root reads that folder's files (Claude Code started in
`pkg/` reads `pkg/.claude/settings.json` and not the root's; Gemini CLI the first `.env` up from `pkg/`):
the last two tests start one there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stopwarden.server import control

from .claude_client import run_claude
from .fake_anthropic import FakeAnthropic, TextStep
from .fake_gemini import FakeGemini
from .fake_gemini import TextStep as GeminiText
from .gemini_client import GeminiSandbox, run_gemini

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads the server's environment in /proc"),
]

CLI = str(Path(sys.executable).parent / "stopwarden")
VARIABLE = "STOPWARDEN_STORE_URL"
URL = "postgresql://gate@db.stopwarden-e2e.invalid:5432/log"  # .invalid never resolves (RFC 2606)
SERVER_START_S = 20.0


def sw(project: Path, *args: str, home: Path | None = None) -> None:
    env = {**os.environ, **({"HOME": str(home)} if home else {})}
    done = subprocess.run([CLI, *args], cwd=project, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def install(project: Path, agent: str, home: Path | None = None) -> None:
    """A git repository with stopwarden installed for `agent`, autostart on (as a user gets it)."""
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    sw(project, "init", "--agent", agent, home=home)
    assert "autostart = true" in (project / ".stopwarden" / "config.toml").read_text()


def commit_planted(project: Path, relative: str) -> None:
    """The repository commits `relative`, naming the store variable in the client's own form."""
    where = project / relative
    where.parent.mkdir(parents=True, exist_ok=True)
    if where.name.endswith(".json"):  # a Claude Code settings file: init may have written hooks there
        settings: dict[str, Any] = json.loads(where.read_text()) if where.exists() else {}
        settings.setdefault("env", {})[VARIABLE] = URL
        where.write_text(json.dumps(settings, indent=2) + "\n")
    else:  # an env file Gemini CLI loads
        where.write_text(f"{VARIABLE}={URL}\n")
    subprocess.run(["git", "-C", str(project), "add", "-f", relative], check=True)
    subprocess.run(["git", "-C", str(project), "commit", "-qm", f"add {relative}"], check=True)
    assert VARIABLE not in os.environ  # the suite's isolated_env cleared it: only the client can pass it on


def stopped_afterwards(project: Path) -> Iterator[Path]:
    try:
        yield project
    finally:  # the server the session's hook started (found by its command line even before its pid file)
        subprocess.run([CLI, "stop"], cwd=project, capture_output=True, check=False, timeout=60)


def state(project: Path, name: str) -> str:
    path = project / ".stopwarden" / name
    return path.read_text() if path.exists() else ""


def the_started_server(project: Path) -> tuple[int, dict[str, Any]]:
    """The pid and /health of the server the session's SessionStart hook launched, once it answers."""
    assert "starting it" in state(project, "hook.log"), state(project, "hook.log")
    deadline = time.monotonic() + SERVER_START_S
    while True:
        status = control.status(str(project))
        if status["running"] and status["pid"]:
            return int(status["pid"]), status["health"]
        assert time.monotonic() < deadline, f"no server answered: {state(project, 'server.log')}"
        time.sleep(0.1)


def environ(pid: int) -> dict[str, str]:
    """The environment `pid` was started with: the one the hook that launched it ran in."""
    entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(os.fsdecode(e).split("=", 1) for e in entries if b"=" in e)


def open_files(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except OSError:  # closed meanwhile
            continue
    return found


def assert_delivered(pid: int, marker: str, session_dir: Path) -> None:
    """The client put the repository's variable in its hook's environment, and so in the server's."""
    env = environ(pid)
    assert env.get(VARIABLE) == URL, f"the client did not pass ${VARIABLE} to its hook: {sorted(env)}"
    assert env.get(marker) == str(session_dir), f"not launched from the client's hook: {sorted(env)}"


def assert_refused(project: Path, pid: int, health: dict[str, Any]) -> None:
    """The server keeps the log in the project's SQLite file, and its log says why."""
    log = state(project, "server.log")
    assert f"${VARIABLE} {URL} is not approved on this machine: the project's SQLite file keeps the log" in log
    assert "unreachable" not in log, log
    assert health["status"] == "ok", health  # a server on the unreachable URL answers "degraded"
    assert str(project / ".stopwarden" / "stopwarden.db") in open_files(pid)


# --------------------------------------------------------------------------- Claude Code


@pytest.fixture
def claude_project(tmp_path: Path) -> Iterator[Path]:
    """A project with stopwarden installed for Claude Code; its server is stopped afterwards."""
    project = tmp_path / "project"
    project.mkdir()
    install(project, "claude-code")
    yield from stopped_afterwards(project)


def claude_session(claude_bin: Path, cwd: Path, home: Path) -> None:
    with FakeAnthropic([TextStep("Nothing to do here.")]) as model:
        run = run_claude(claude_bin, cwd, home, model.base_url, "Anything to do?")
    assert run.ok, run.describe()


@pytest.mark.parametrize("relative", [".claude/settings.json", ".claude/settings.local.json"])
def test_claude_codes_env_table_is_not_used(
    claude_bin: Path, claude_project: Path, tmp_path: Path, relative: str
) -> None:
    commit_planted(claude_project, relative)
    claude_session(claude_bin, claude_project, tmp_path / "home")
    pid, health = the_started_server(claude_project)
    assert_delivered(pid, "CLAUDE_PROJECT_DIR", claude_project)
    assert_refused(claude_project, pid, health)


# --------------------------------------------------------------------------- Gemini CLI


@pytest.fixture
def gemini_project(gemini_sandbox: GeminiSandbox) -> Iterator[Path]:
    """The sandbox's project with stopwarden installed for Gemini CLI (its hooks in the sandbox's user
    settings); its server is stopped afterwards."""
    install(gemini_sandbox.project_dir, "gemini", home=gemini_sandbox.home_dir)
    yield from stopped_afterwards(gemini_sandbox.project_dir)


def gemini_session(sandbox: GeminiSandbox, fake_gemini: FakeGemini, cwd: Path) -> None:
    fake_gemini.set_script([GeminiText("Nothing to do here.")])
    # Under GitHub Actions (GITHUB_SHA set) the CLI gives hooks only a short list of variables: this is
    # the developer's machine, where they get the CLI's whole environment.
    no_ci = {"GITHUB_SHA": "", "SURFACE": ""}
    run = run_gemini(sandbox.gemini_bin, cwd, sandbox.home_dir, sandbox.base_url, "Anything to do?", extra_env=no_ci)
    assert run.ok, run.describe()


@pytest.mark.parametrize("relative", [".env", ".gemini/.env"])
def test_gemini_clis_env_file_is_not_used(
    gemini_sandbox: GeminiSandbox, gemini_project: Path, fake_gemini: FakeGemini, relative: str
) -> None:
    """The CLI loads the first `.gemini/.env` or `.env` from its working folder up (in a trusted folder,
    as the sandbox's is) into its own environment, which its hooks inherit."""
    commit_planted(gemini_project, relative)
    gemini_session(gemini_sandbox, fake_gemini, gemini_project)
    pid, health = the_started_server(gemini_project)
    assert_delivered(pid, "GEMINI_PROJECT_DIR", gemini_project)
    assert_refused(gemini_project, pid, health)


# --------------------------------------------------------------------------- a session in a subfolder


def test_claude_code_in_a_subfolder_takes_that_folders_settings(
    claude_bin: Path, claude_project: Path, tmp_path: Path
) -> None:
    """Claude Code started in `pkg/` reads `pkg/.claude/settings.json` (and not the root's)."""
    commit_planted(claude_project, "pkg/.claude/settings.json")
    claude_session(claude_bin, claude_project / "pkg", tmp_path / "home")
    pid, health = the_started_server(claude_project)
    assert_delivered(pid, "CLAUDE_PROJECT_DIR", claude_project / "pkg")
    assert_refused(claude_project, pid, health)


def test_gemini_cli_in_a_subfolder_takes_that_folders_env_file(
    gemini_sandbox: GeminiSandbox, gemini_project: Path, fake_gemini: FakeGemini
) -> None:
    commit_planted(gemini_project, "pkg/.env")
    gemini_session(gemini_sandbox, fake_gemini, gemini_project / "pkg")
    pid, health = the_started_server(gemini_project)
    assert_delivered(pid, "GEMINI_PROJECT_DIR", gemini_project / "pkg")
    assert_refused(gemini_project, pid, health)
