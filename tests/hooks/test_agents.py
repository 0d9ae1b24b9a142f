"""Each agent's dialect in the real hook process (SPEC §12): what it reads and what it prints."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from stopwarden.agents import dialect
from stopwarden.install.registry import AGENT_MODULES
from stopwarden.names import AGENTS
from tests.conftest import hook_command


def run(root: Path, agent: str, event: str, payload: dict[str, Any], env: dict[str, str] | None = None) -> str:
    command = (
        hook_command(root).replace(" stop", f" {event} {agent}")
        if agent != "claude-code"
        else hook_command(root).replace(" stop", f" {event}")
    )
    done = subprocess.run(["sh", "-c", command], input=json.dumps(payload), capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=root, check=False)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout


@pytest.mark.parametrize(("agent", "allow"), [("claude-code", ""), ("codex", ""), ("gemini", "{}\n")])
def test_allow_is_what_each_client_expects(installed: Path, agent: str, allow: str) -> None:
    payload = {"session_id": "s", "cwd": str(installed), "stop_hook_active": False}
    assert run(installed, agent, "stop", payload) == allow
    assert run(installed, agent, "stop", {"not": "json"} | {"cwd": "/nonexistent"}) == allow  # outside a project
    assert run(installed, agent, "stop", payload, {"STOPWARDEN_DISABLE": "1"}) == allow


@pytest.mark.parametrize("agent", ["codex", "gemini"])
def test_the_owner_is_blocked_in_every_dialect(installed: Path, cli: Any, agent: str) -> None:
    assert cli("build", "start", "Port the parser", "--owner-session", "owner").code == 0
    cli("build", "phase", "executing")
    text_field = "prompt_response" if agent == "gemini" else "last_assistant_message"
    out = run(installed, agent, "stop", {"session_id": "owner", "cwd": str(installed), text_field: "done"})
    decision = json.loads(out)
    assert decision["decision"] == "block" and decision["reason"].startswith('stopwarden: the build "Port the parser"')
    other = run(installed, agent, "stop", {"session_id": "other", "cwd": str(installed)})
    assert other == dialect(agent).ALLOW


def test_each_agent_reads_its_own_stop_text() -> None:
    from stopwarden.hooks.payload import parse

    gemini = parse(b'{"prompt_response": "done for today\\ncontinuing", "cwd": "/"}', "gemini", "stop", {})
    assert gemini.stop_text == "done for today\ncontinuing"  # it accumulates across re-fires: all of it
    codex = parse(b'{"last_assistant_message": null, "cwd": "/"}', "codex", "stop", {})
    assert codex.stop_text == ""


RUNTIME = ("NAME", "STOP_TEXT_FIELDS", "ALLOW", "SESSION_ENV", "block", "context", "user_turns", "is_agent_process")
INSTALL = ("AGENT", "SCOPES", "DEFAULT_SCOPE", "COMMAND", "EVENTS", "settings_path", "user_config_dir", "our_handler",
           "merge", "remove", "registered", "SKILL_INVOCATION", "SKILL_WORDING", "skills_folder", "skill_file",
           "skill_cli", "skill_text")  # fmt: skip


@pytest.mark.parametrize("agent", AGENTS)
def test_every_agent_has_the_whole_interface_in_both_layers(agent: str) -> None:
    runtime, install = dialect(agent), AGENT_MODULES[agent]
    assert [name for name in RUNTIME if not hasattr(runtime, name)] == []
    assert [name for name in INSTALL if not hasattr(install, name)] == []
    assert runtime.NAME == install.AGENT == agent and install.DEFAULT_SCOPE in install.SCOPES


def test_the_agent_process_is_recognised_per_agent() -> None:
    node_gemini, node_other = (lambda: b"node\0/usr/bin/gemini\0-p\0"), (lambda: b"node\0server.js\0")
    assert [a for a in AGENTS if dialect(a).is_agent_process("claude", node_other)] == ["claude-code"]
    assert [a for a in AGENTS if dialect(a).is_agent_process("codex", node_other)] == ["codex"]
    assert [a for a in AGENTS if dialect(a).is_agent_process("node", node_gemini)] == ["gemini"]
    assert [a for a in AGENTS if dialect(a).is_agent_process("node", node_other)] == []
