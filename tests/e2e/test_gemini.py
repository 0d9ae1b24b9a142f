"""stopwarden in the real Gemini CLI (SPEC §12.2): `init --agent gemini` registers AfterAgent and the /build
command, and the build gate blocks the session that owns a build, proven by its agent process (Gemini's
shell tool gets no session id): the reason comes back as a plain user turn. Gemini's allow is `{}`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .fake_gemini import FakeGemini, ShellStep, TextStep, find_user_turn
from .gemini_client import GeminiSandbox

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "stopwarden")


def sw(sandbox: GeminiSandbox, *args: str) -> None:
    env = {**os.environ, "HOME": str(sandbox.home_dir), "STOPWARDEN_AGENT_PID": "", "STOPWARDEN_TMUX": ""}
    done = subprocess.run([CLI, *args], cwd=sandbox.project_dir, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def installed_gemini(gemini_sandbox: GeminiSandbox) -> GeminiSandbox:
    subprocess.run(["git", "init", "-q", str(gemini_sandbox.project_dir)], check=True)
    sw(gemini_sandbox, "init", "--agent", "gemini")
    config = gemini_sandbox.project_dir / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("autostart = true", "autostart = false"))
    return gemini_sandbox


def the_build(sandbox: GeminiSandbox) -> dict[str, Any]:
    states: list[dict[str, Any]] = [
        json.loads(p.read_text()) for p in (sandbox.project_dir / ".stopwarden" / "builds").glob("*.json")
    ]
    [state] = states
    return state


def test_the_owner_is_blocked_by_its_agent_process(installed_gemini: GeminiSandbox, fake_gemini: FakeGemini) -> None:
    start = f'{CLI} build start "Port the parser" --size SMALL && {CLI} build phase executing'  # no $(…) in Gemini
    fake_gemini.set_script([ShellStep(start, "start a build"), TextStep("Done for now."), TextStep("Stopping."),
                            TextStep("Bye.")])  # fmt: skip
    run = installed_gemini.run("Port the parser.")
    assert run.ok, run.describe()
    turn = find_user_turn(fake_gemini.requests, 'stopwarden: the build "Port the parser"')
    assert turn is not None, "the block reason never reached the model"
    state = the_build(installed_gemini)
    assert state["owner"]["agent_pid"] > 0  # the node running gemini, found from the shell tool's command
    assert state["reinforcements_used"] == 3
    # Stamped without a session id, the owner was proven at the first stop by its agent process and then
    # took the session id the hook received.
    audit_file = installed_gemini.project_dir / ".stopwarden" / "builds" / "audit.jsonl"
    audit = [json.loads(line) for line in audit_file.read_text().splitlines()]
    [reconciled] = [r for r in audit if r["event"] == "owner.reconciled"]
    assert (reconciled["old_session_id"], reconciled["proven_by"]) == ("", "agent")
    assert state["owner"]["session_id"] == reconciled["new_session_id"] != ""


def test_another_session_stops_freely_and_spends_nothing(
    installed_gemini: GeminiSandbox, fake_gemini: FakeGemini
) -> None:
    sw(installed_gemini, "build", "start", "Someone else's build", "--owner-session", "x")
    sw(installed_gemini, "build", "phase", "executing")
    fake_gemini.set_script([TextStep("Nothing for me to do here.")])
    run = installed_gemini.run("Anything to do?")
    assert run.ok, run.describe()
    assert find_user_turn(fake_gemini.requests, "stopwarden:") is None
    state = the_build(installed_gemini)
    assert state["reinforcements_used"] == 0 and state["owner"]["session_id"] == "x"


def test_the_build_command_hands_the_playbook_to_the_model(
    installed_gemini: GeminiSandbox, fake_gemini: FakeGemini
) -> None:
    """`/build <task>` expands our custom command with the task in place; the start command it names runs in
    Gemini's shell tool as written (no command substitution) and the build is this session's."""
    command = tomllib.loads((installed_gemini.home_dir / ".gemini" / "commands" / "build.toml").read_text())
    [line] = [ln for ln in command["prompt"].splitlines() if " build start " in ln]
    start = line.strip().strip("`").replace("{{args}}", "Port the parser").replace("STANDARD", "SMALL")
    cli = start.split(" build start ")[0]
    fake_gemini.set_script([ShellStep(f"{start} && {cli} build phase executing", "start the build"),
                            TextStep("Done."), TextStep("Stopping."), TextStep("Bye.")])  # fmt: skip
    run = installed_gemini.run("/build Port the parser")
    assert run.ok, run.describe()
    first = fake_gemini.main_requests[0]
    assert first.contains("You are starting a tracked build of: **Port the parser**")
    assert first.contains('build start "Port the parser" --size STANDARD')
    assert "$(" not in start and "`" not in start
    state = the_build(installed_gemini)
    assert state["task"] == "Port the parser" and state["reinforcements_used"] == 3
    assert find_user_turn(fake_gemini.requests, 'stopwarden: the build "Port the parser"') is not None
