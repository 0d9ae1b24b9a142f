"""The stop gate in the real Codex CLI (SPEC §5, §12.1): a plan committed an hour before the session, a
commit made during it, then "I'll stop here to preserve context": in enforce the block reaches the model
as a `<hook_prompt>` citing the plan. (Codex's sandbox keeps `.git` read-only for the agent's shell, so
the session's commit is made by the test while the agent waits inside its shell tool.)"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .codex_client import CodexSandbox
from .fake_openai_responses import FakeResponses, ShellStep, TextStep, find_hook_prompt

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "stopwarden")
PLAN = "docs/plans/billing.md"
IDENTITY = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
            "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"}  # fmt: skip


def git(root: Path, *args: str, when: int | None = None) -> None:
    env = {**os.environ, **IDENTITY}
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000"}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def sw(sandbox: CodexSandbox, *args: str) -> None:
    env = {**os.environ, "HOME": str(sandbox.home_dir), "CODEX_HOME": str(sandbox.codex_home)}
    done = subprocess.run([CLI, *args], cwd=sandbox.project_dir, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def gate(codex_sandbox: CodexSandbox) -> Iterator[CodexSandbox]:
    root = codex_sandbox.project_dir
    (root / "docs" / "plans").mkdir(parents=True)
    (root / PLAN).write_text("# Billing\n1. schema\n2. API\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plan: billing", when=int(time.time()) - 3600)
    sw(codex_sandbox, "init", "--agent", "codex")
    sw(codex_sandbox, "start")
    sw(codex_sandbox, "gate", "mode", "enforce", "--force", "end-to-end test")
    yield codex_sandbox
    subprocess.run([CLI, "stop"], cwd=root, capture_output=True, check=False)


def test_enforce_blocks_a_context_stop_citing_the_plan(gate: CodexSandbox, fake_responses: FakeResponses) -> None:
    root = gate.project_dir
    started, release = root / ".started", root / ".release"
    wait = f"touch {started} && while [ ! -e {release} ]; do sleep 0.1; done"
    fake_responses.set_script([ShellStep(wait), TextStep("Step 1 is committed. I'll stop here to preserve context."),
                               TextStep("Carrying on with step 2.")])  # fmt: skip

    def commit_while_the_agent_waits() -> None:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        (root / PLAN).write_text("# Billing\n1. schema (done)\n2. API\n")
        git(root, "commit", "-qam", "billing: step 1", when=int(time.time()) + 2)
        release.touch()

    helper = threading.Thread(target=commit_while_the_agent_waits)
    helper.start()
    run = gate.run("Implement the billing plan.")
    helper.join()
    assert run.ok, run.describe()
    prompt = find_hook_prompt(fake_responses.requests, f"stopwarden: Continue — the plan at {PLAN} predates")
    assert prompt is not None, "the stop gate's block never reached the model"
    with sqlite3.connect(root / ".stopwarden" / "stopwarden.db") as db:
        rows = db.execute("SELECT mode, decision, agent FROM events").fetchall()
    assert ("enforce", "continue", "codex") in rows
