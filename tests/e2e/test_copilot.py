"""stopwarden in the real GitHub Copilot CLI (1.0.102), offline against a scripted Chat Completions server.

`init --agent copilot` writes `$COPILOT_HOME/hooks/stopwarden.json`, which Copilot runs in `-p` mode
without any folder trust. Its `agentStop` payload has no stop text: the hook reads it from the session's
events.jsonl. The build gate blocks the session that owns a build (the reason comes back to the model as
the next user message) while another session's stop is free; the stop gate blocks a silent next-step
stop in enforce, and only logs it in shadow."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from .copilot_client import CopilotRun, CopilotSandbox
from .fake_openai_chat import FakeChat, ShellStep, SkillStep, TextStep, find_user_message
from .stop_gate import CARRY_ON, CLI, PLAN, PROMPT, WAIT, commit_step_1_during, decisions, gate_server

pytestmark = pytest.mark.e2e

NEXT_STEP = "Step 1 is committed. Next I need to write the API handlers."


def sw(sandbox: CopilotSandbox, *args: str) -> str:
    env = {**os.environ, "HOME": str(sandbox.home_dir), "COPILOT_HOME": str(sandbox.copilot_home)}
    done = subprocess.run([CLI, *args], cwd=sandbox.project_dir, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def builds(sandbox: CopilotSandbox) -> dict[str, dict[str, Any]]:
    folder = sandbox.project_dir / ".stopwarden" / "builds"
    return {b["task"]: b for b in (json.loads(p.read_text()) for p in folder.glob("*.json"))}


@pytest.fixture
def installed_copilot(copilot_sandbox: CopilotSandbox) -> CopilotSandbox:
    subprocess.run(["git", "init", "-q", str(copilot_sandbox.project_dir)], check=True)
    sw(copilot_sandbox, "init", "--agent", "copilot")
    config = copilot_sandbox.project_dir / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("autostart = true", "autostart = false"))
    return copilot_sandbox


def test_only_the_owner_is_blocked(installed_copilot: CopilotSandbox, fake_chat: FakeChat) -> None:
    hooks = json.loads((installed_copilot.copilot_home / "hooks" / "stopwarden.json").read_text())
    assert hooks["version"] == 1 and set(hooks["hooks"]) == {"agentStop", "sessionStart"}

    # A build another session owns: this session's stop is free and spends none of its budget.
    sw(installed_copilot, "build", "start", "Someone else's build", "--owner-session", "another-session")
    sw(
        installed_copilot,
        "build",
        "phase",
        "executing",
        "--build",
        builds(installed_copilot)["Someone else's build"]["id"],
    )
    fake_chat.set_script([TextStep("Nothing for me to do here.")])
    run = installed_copilot.run("Anything to do?")
    assert run.ok, run.describe()
    assert find_user_message(fake_chat.requests, "stopwarden:") is None
    assert builds(installed_copilot)["Someone else's build"]["reinforcements_used"] == 0

    # A session that starts its own build through its bash tool is blocked at agentStop, with the task named;
    # the model sees the reason as its next user message and carries on.
    cli = shlex.quote(CLI)
    start = f'{cli} build start "Port the parser" --size SMALL && {cli} build phase executing'
    fake_chat.set_script([ShellStep(start), TextStep("Done for now."), TextStep("Stopping."), TextStep("Bye.")])
    run = installed_copilot.run("Port the parser.")
    assert run.ok, run.describe()
    reason = find_user_message(fake_chat.requests, 'stopwarden: the build "Port the parser"')
    assert reason is not None, f"the block reason never reached the model\n{run.describe()}"
    mine = builds(installed_copilot)["Port the parser"]
    assert mine["owner"]["session_id"] == run.session_id  # owned by its agent process, then by its session
    assert mine["reinforcements_used"] == 3  # SMALL: three blocks, then Copilot may stop
    assert builds(installed_copilot)["Someone else's build"]["reinforcements_used"] == 0


def test_the_build_skill_reaches_the_model_and_its_command_runs(
    installed_copilot: CopilotSandbox, fake_chat: FakeChat
) -> None:
    """Copilot lists `$COPILOT_HOME/skills/build` to the model, which loads it with its `skill` tool: the
    playbook (the task taken from the user's message, `$ARGUMENTS` being left as written) reaches it, and
    the command it names starts a build this session owns."""
    playbook = (installed_copilot.copilot_home / "skills" / "build" / "SKILL.md").read_text()
    [cli] = set(re.findall(r"`(\S+) build start ", playbook))
    start = f'{cli} build start "Port the parser" --size SMALL && {cli} build phase executing'
    fake_chat.set_script([SkillStep("build"), ShellStep(start), TextStep("Done."), TextStep("Stopping.")])
    run = installed_copilot.run("/build Port the parser")
    assert run.ok, run.describe()
    first = fake_chat.main_requests[0]
    ours = "<skill>\n  <name>build</name>\n  <description>Run a tracked multi-phase build"
    assert any(ours in t for t in first.strings()), "the skill is not listed to the model (as a user skill)"
    body = find_user_message(fake_chat.requests, "You are starting a tracked build of: **the task in the user's")
    assert body is not None, f"the playbook never reached the model\n{run.describe()}"
    mine = builds(installed_copilot)["Port the parser"]
    assert mine["owner"]["session_id"] == run.session_id  # from COPILOT_AGENT_SESSION_ID in its bash tool
    assert find_user_message(fake_chat.requests, 'stopwarden: the build "Port the parser"') is not None


@pytest.fixture
def gate(request: pytest.FixtureRequest, copilot_sandbox: CopilotSandbox) -> Iterator[CopilotSandbox]:
    """`gate_server` for Copilot, in the mode the test names (`parametrize("gate", [mode], indirect=True)`)."""
    home = {"HOME": str(copilot_sandbox.home_dir), "COPILOT_HOME": str(copilot_sandbox.copilot_home)}
    with gate_server(copilot_sandbox.project_dir, "copilot", home, request.param):
        yield copilot_sandbox


def stop_after_a_commit(sandbox: CopilotSandbox, fake_chat: FakeChat) -> CopilotRun:
    """The agent waits while step 1 is committed, then stops saying what it would do next; a third turn
    is scripted for it to take if the stop is blocked."""
    fake_chat.set_script([ShellStep(WAIT, "wait for step 1"), TextStep(NEXT_STEP), TextStep(CARRY_ON)])
    run = commit_step_1_during(sandbox.project_dir, lambda: sandbox.run(PROMPT))
    assert run.ok, run.describe()
    return run


@pytest.mark.parametrize("gate", ["enforce"], indirect=True)
def test_enforce_blocks_a_next_step_stop(gate: CopilotSandbox, fake_chat: FakeChat) -> None:
    run = stop_after_a_commit(gate, fake_chat)
    reason = find_user_message(fake_chat.requests, "stopwarden: Continue — ")
    assert reason is not None, f"the stop gate's block never reached the model\n{run.describe()}"
    assert fake_chat.steps_served == 3
    [(mode, decision, _rule, plan, agent, session, continues)] = decisions(gate.project_dir)
    assert (mode, decision, plan, agent, session, continues) == (
        "enforce",
        "continue",
        PLAN,
        "copilot",
        run.session_id,
        1,
    )


@pytest.mark.parametrize("gate", ["shadow"], indirect=True)
def test_shadow_logs_the_continue_and_lets_the_agent_stop(gate: CopilotSandbox, fake_chat: FakeChat) -> None:
    run = stop_after_a_commit(gate, fake_chat)
    assert find_user_message(fake_chat.requests, "stopwarden:") is None, "shadow must never block"
    assert fake_chat.steps_served == 2, "the run should end at the stop"
    [(mode, decision, _rule, plan, agent, session, continues)] = decisions(gate.project_dir)
    assert (mode, decision, plan, agent, session, continues) == (
        "shadow",
        "continue",
        PLAN,
        "copilot",
        run.session_id,
        0,
    )
