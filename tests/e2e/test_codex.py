"""stopwarden in the real Codex CLI (SPEC §12.1): `init --agent codex` trusts our hooks exactly as Codex
computes the hash, and the build gate blocks the session that owns a build (the reason comes back as a
`<hook_prompt>`), while a stop by any other session of the checkout is free and spends nothing."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .codex_client import CodexSandbox
from .fake_openai_responses import FakeResponses, ShellStep, TextStep, find_hook_prompt

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "stopwarden")


def sw(sandbox: CodexSandbox, *args: str) -> str:
    env = {**os.environ, "HOME": str(sandbox.home_dir), "CODEX_HOME": str(sandbox.codex_home)}
    done = subprocess.run([CLI, *args], cwd=sandbox.project_dir, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def installed_codex(codex_sandbox: CodexSandbox) -> CodexSandbox:
    subprocess.run(["git", "init", "-q", str(codex_sandbox.project_dir)], check=True)
    sw(codex_sandbox, "init", "--agent", "codex")
    config = codex_sandbox.project_dir / ".stopwarden" / "config.toml"
    config.write_text(config.read_text().replace("autostart = true", "autostart = false"))
    return codex_sandbox


def builds(sandbox: CodexSandbox) -> dict[str, dict[str, Any]]:
    folder = sandbox.project_dir / ".stopwarden" / "builds"
    return {b["task"]: b for b in (json.loads(p.read_text()) for p in folder.glob("*.json"))}


def test_codex_trusts_our_hooks_by_the_hash_we_computed(installed_codex: CodexSandbox) -> None:
    ours = [h for h in installed_codex.hooks_list() if "/stopwarden/hooks/run.py" in str(h.get("command", ""))]
    assert len(ours) == 2
    assert {h["trustStatus"] for h in ours} == {"trusted"}, ours


def test_only_the_owner_is_blocked(installed_codex: CodexSandbox, fake_responses: FakeResponses) -> None:
    # A build another session owns: this session's stop is free and spends none of its budget.
    sw(installed_codex, "build", "start", "Someone else's build", "--owner-session", "another-thread")
    sw(installed_codex, "build", "phase", "executing", "--build", builds(installed_codex)["Someone else's build"]["id"])
    fake_responses.set_script([TextStep("Nothing for me to do here.")])
    run = installed_codex.run("Anything to do?")
    assert run.ok, run.describe()
    assert find_hook_prompt(fake_responses.requests, "stopwarden:") is None
    assert builds(installed_codex)["Someone else's build"]["reinforcements_used"] == 0

    # A session that starts its own build through its shell tool is blocked at its stop, with the task named.
    cli = shlex.quote(CLI)
    start = f'{cli} build start "Port the parser" --size SMALL && {cli} build phase executing'
    fake_responses.set_script([ShellStep(start), TextStep("Done for now."), TextStep("Stopping."), TextStep("Bye.")])
    run = installed_codex.run("Port the parser.")
    assert run.ok, run.describe()
    prompt = find_hook_prompt(fake_responses.requests, 'stopwarden: the build "Port the parser"')
    assert prompt is not None, "the block reason never reached the model"
    mine = builds(installed_codex)["Port the parser"]
    assert mine["owner"]["session_id"] == run.thread_id  # stamped from CODEX_THREAD_ID in the sandboxed shell
    assert mine["reinforcements_used"] == 3  # SMALL: three blocks, then Codex may stop (it never caps loops)
    assert builds(installed_codex)["Someone else's build"]["reinforcements_used"] == 0


def test_the_build_skill_reaches_the_model_and_its_command_runs_in_the_sandbox(
    installed_codex: CodexSandbox, fake_responses: FakeResponses
) -> None:
    """`$build <task>` hands our playbook to the model; the command it names works from Codex's sandboxed
    shell, whose PATH does not hold our venv, and the build is owned by this session."""
    playbook = (installed_codex.codex_home / "skills" / "build" / "SKILL.md").read_text()
    [cli] = set(re.findall(r"`(\S+) build start ", playbook))
    start = f'{cli} build start "Port the parser" --size SMALL && {cli} build phase executing'
    fake_responses.set_script([ShellStep(start), TextStep("Done."), TextStep("Stopping."), TextStep("Bye.")])
    run = installed_codex.run("$build Port the parser", extra_env={"PATH": "/usr/bin:/bin"})
    assert run.ok, run.describe()
    first = fake_responses.main_requests[0]
    assert first.contains("You are starting a tracked build of: **the task in the user's message")
    assert first.contains(f"`{cli} build phase planning`")
    mine = builds(installed_codex)["Port the parser"]
    assert mine["owner"]["session_id"] == run.thread_id
    assert find_hook_prompt(fake_responses.requests, 'stopwarden: the build "Port the parser"') is not None


def test_doctor_asks_codex_whether_it_trusts_our_hooks(installed_codex: CodexSandbox) -> None:
    """The trust hash is version-specific: doctor asks the real `codex app-server`, found on PATH."""
    env = {**os.environ, "HOME": str(installed_codex.home_dir), "CODEX_HOME": str(installed_codex.codex_home),
           "PATH": f"{installed_codex.codex_bin.parent}{os.pathsep}{os.environ['PATH']}"}  # fmt: skip

    def doctor(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([CLI, "doctor", *args], cwd=installed_codex.project_dir, env=env, capture_output=True,
                              text=True, timeout=120)  # fmt: skip

    assert "ok   codex hook trust: Codex trusts our 2 hooks" in doctor().stdout
    hooks_file = installed_codex.hooks_path("user")
    hooks = json.loads(hooks_file.read_text())
    hooks["hooks"]["Stop"][0]["hooks"][0]["timeout"] = 31  # what Codex trusted is no longer what would run
    hooks_file.write_text(json.dumps(hooks))
    failed = doctor()
    assert failed.returncode == 1 and "FAIL codex hook trust: Codex will skip our hooks" in failed.stdout
    fixed = doctor("--fix")
    assert fixed.returncode == 0 and "ok   codex hook trust" in fixed.stdout, fixed.stdout
