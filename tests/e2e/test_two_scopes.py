"""Our hooks installed in two scopes of one client, with the real client: does it run them once or twice?

Each installer says (`RUNS_IDENTICAL_HOOKS_ONCE`), and init's warning and doctor's check rest on it
(install/registrations.py): a Stop hook run twice judges one stop twice and spends two of a build's
blocks. Measured here by the SessionStart hook's lines in hook.log after one turn, so that a client that
changes its merging of scopes fails this test instead of charging builds twice. Claude Code and Gemini CLI
run an identical command once, Codex and Copilot CLI twice (2026-12-07).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stopwarden.install.registry import AGENT_MODULES

from .claude_client import ClaudeSandbox
from .codex_client import CodexSandbox
from .copilot_client import CopilotSandbox
from .fake_anthropic import FakeAnthropic
from .fake_anthropic import TextStep as ClaudeText
from .fake_gemini import FakeGemini
from .fake_gemini import TextStep as GeminiText
from .fake_openai_chat import FakeChat
from .fake_openai_chat import TextStep as ChatText
from .fake_openai_responses import FakeResponses
from .fake_openai_responses import TextStep as ResponsesText
from .gemini_client import GeminiSandbox
from .stop_gate import CLI


def installed_twice(project: Path, env: dict[str, str], agent: str, scopes: tuple[str, str]) -> bool:
    """`init` into both scopes, as a user would; whether the second one warned of running twice."""
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    said = ""
    for scope in scopes:
        done = subprocess.run([CLI, "init", "--agent", agent, "--scope", scope], cwd=project, env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        said = done.stdout
    config = project / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("autostart = true", "autostart = false"))
    return f"warning: {agent} now has our hooks in 2 scopes" in " ".join(said.split())


def session_starts(project: Path) -> int:
    log = (project / ".stopwarden" / "hook.log").read_text()
    return sum(" session_start " in line and " recorded (" in line for line in log.splitlines())


def check(agent: str, project: Path, env: dict[str, str], warned: bool, run: Callable[[], Any]) -> None:
    result = run()
    assert result.ok, result.describe()
    once = AGENT_MODULES[agent].RUNS_IDENTICAL_HOOKS_ONCE
    assert session_starts(project) == (1 if once else 2), f"{agent}: RUNS_IDENTICAL_HOOKS_ONCE is {once}"
    assert warned == (not once)
    doctor = subprocess.run([CLI, "doctor"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert ("registered in 2 scopes" in " ".join(doctor.stdout.split())) == (not once), doctor.stdout


def test_claude_code(claude_sandbox: ClaudeSandbox, fake_model: FakeAnthropic) -> None:
    env = {**os.environ, "HOME": str(claude_sandbox.home_dir)}
    warned = installed_twice(claude_sandbox.project_dir, env, "claude-code", ("local", "project"))
    fake_model.set_script([ClaudeText("Nothing to do.")])
    check("claude-code", claude_sandbox.project_dir, env, warned, lambda: claude_sandbox.run("Say hi"))


def test_codex(codex_sandbox: CodexSandbox, fake_responses: FakeResponses) -> None:
    env = {**os.environ, "HOME": str(codex_sandbox.home_dir), "CODEX_HOME": str(codex_sandbox.codex_home)}
    warned = installed_twice(codex_sandbox.project_dir, env, "codex", ("user", "project"))
    fake_responses.set_script([ResponsesText("Nothing to do.")])
    check("codex", codex_sandbox.project_dir, env, warned, lambda: codex_sandbox.run("Say hi"))


def test_gemini(gemini_sandbox: GeminiSandbox, fake_gemini: FakeGemini) -> None:
    env = {**os.environ, "HOME": str(gemini_sandbox.home_dir), "STOPWARDEN_AGENT_PID": "", "STOPWARDEN_TMUX": ""}
    warned = installed_twice(gemini_sandbox.project_dir, env, "gemini", ("user", "project"))
    fake_gemini.set_script([GeminiText("Nothing to do.")])
    check("gemini", gemini_sandbox.project_dir, env, warned, lambda: gemini_sandbox.run("Say hi"))


def test_copilot(copilot_sandbox: CopilotSandbox, fake_chat: FakeChat) -> None:
    env = {**os.environ, "HOME": str(copilot_sandbox.home_dir), "COPILOT_HOME": str(copilot_sandbox.copilot_home)}
    warned = installed_twice(copilot_sandbox.project_dir, env, "copilot", ("user", "project"))
    # Copilot loads a project's hooks only in a folder the user trusts.
    config = copilot_sandbox.copilot_home / "config.json"
    settings = json.loads(config.read_text()) if config.exists() else {}
    settings["trustedFolders"] = [*settings.get("trustedFolders", []), str(copilot_sandbox.project_dir)]
    config.write_text(json.dumps(settings))
    fake_chat.set_script([ChatText("Nothing to do.")])
    check("copilot", copilot_sandbox.project_dir, env, warned, lambda: copilot_sandbox.run("Say hi"))
