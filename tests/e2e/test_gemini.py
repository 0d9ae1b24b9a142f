"""stopwarden in the real Gemini CLI (SPEC §12.2): `init --agent gemini` registers AfterAgent, and the build
gate blocks the session that owns a build, proven by its agent process (Gemini's shell tool gets no session
id): the reason comes back as a plain user turn. Gemini's allow is `{}`."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .fake_gemini import FakeGemini, ShellStep, TextStep, find_user_turn
from .gemini_client import GeminiSandbox

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "stopwarden")


def test_the_owner_is_blocked_by_its_agent_process(gemini_sandbox: GeminiSandbox, fake_gemini: FakeGemini) -> None:
    project = gemini_sandbox.project_dir
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    env = {**os.environ, "HOME": str(gemini_sandbox.home_dir)}
    done = subprocess.run([CLI, "init", "--agent", "gemini"], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    config = project / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("autostart = true", "autostart = false"))
    cli = shlex.quote(CLI)  # no $(…) in Gemini's shell tool
    start = f'{cli} build start "Port the parser" --size SMALL && {cli} build phase executing'
    fake_gemini.set_script([ShellStep(start, "start a build"), TextStep("Done for now."), TextStep("Stopping."),
                            TextStep("Bye.")])  # fmt: skip
    run = gemini_sandbox.run("Port the parser.")
    assert run.ok, run.describe()
    turn = find_user_turn(fake_gemini.requests, 'stopwarden: the build "Port the parser"')
    assert turn is not None, "the block reason never reached the model"
    [state] = [json.loads(p.read_text()) for p in (project / ".stopwarden" / "builds").glob("*.json")]
    assert state["owner"]["agent_pid"] > 0  # the node running gemini, found from the shell tool's command
    assert state["reinforcements_used"] == 3
    # Stamped without a session id, the owner was proven at the first stop by its agent process and then
    # took the session id the hook received.
    audit = [json.loads(line) for line in (project / ".stopwarden" / "builds" / "audit.jsonl").read_text().splitlines()]
    [reconciled] = [r for r in audit if r["event"] == "owner.reconciled"]
    assert (reconciled["old_session_id"], reconciled["proven_by"]) == ("", "agent")
    assert state["owner"]["session_id"] == reconciled["new_session_id"] != ""


def test_another_session_stops_freely_and_spends_nothing(
    gemini_sandbox: GeminiSandbox, fake_gemini: FakeGemini
) -> None:
    project = gemini_sandbox.project_dir
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    env = {**os.environ, "HOME": str(gemini_sandbox.home_dir), "STOPWARDEN_AGENT_PID": "", "STOPWARDEN_TMUX": ""}
    for args in (["init", "--agent", "gemini"], ["build", "start", "Someone else's build", "--owner-session", "x"],
                 ["build", "phase", "executing"]):  # fmt: skip
        done = subprocess.run([CLI, *args], cwd=project, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    config = project / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("autostart = true", "autostart = false"))
    fake_gemini.set_script([TextStep("Nothing for me to do here.")])
    run = gemini_sandbox.run("Anything to do?")
    assert run.ok, run.describe()
    assert find_user_turn(fake_gemini.requests, "stopwarden:") is None
    [state] = [json.loads(p.read_text()) for p in (project / ".stopwarden" / "builds").glob("*.json")]
    assert state["reinforcements_used"] == 0 and state["owner"]["session_id"] == "x"
