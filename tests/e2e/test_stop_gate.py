"""The stop gate in the real Claude Code client (SPEC §5): a plan committed an hour before the session, a
commit made in it through the Bash tool, then "I'll stop here to preserve context". In enforce the block
reaches the model and cites the plan; in shadow the session stops and the log holds a `continue`; with
the kill switch on nothing is blocked and nothing is evaluated.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stopwarden.common.timefmt import parse_iso
from stopwarden.hooks import transcript

from .claude_client import run_claude
from .fake_anthropic import BashStep, FakeAnthropic, TextStep, find_stop_hook_feedback

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "stopwarden")
PLAN = "docs/plans/billing.md"
IDENTITY = {"GIT_AUTHOR_NAME": "Agent", "GIT_AUTHOR_EMAIL": "agent@example.com",
            "GIT_COMMITTER_NAME": "Agent", "GIT_COMMITTER_EMAIL": "agent@example.com"}  # fmt: skip
STOP = "Step 1 is committed. I'll stop here to preserve context; a fresh session can pick up step 2."


def sw(project: Path, *args: str) -> str:
    done = subprocess.run([CLI, *args], cwd=project, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "project"
    (root / "docs" / "plans").mkdir(parents=True)
    (root / PLAN).write_text("# Billing\n1. schema\n2. API\n3. UI\n")
    hour_ago = f"@{int(time.time()) - 3600} +0000"
    env = {**os.environ, **IDENTITY, "GIT_AUTHOR_DATE": hour_ago, "GIT_COMMITTER_DATE": hour_ago}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "plan: billing"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)
    sw(root, "init", "--agent", "claude-code")
    sw(root, "start")
    yield root
    subprocess.run([CLI, "stop"], cwd=root, capture_output=True, check=False)


def session(claude_bin: Path, project: Path, home: Path) -> FakeAnthropic:
    """One scripted session: commit step 1 (a second after the session started), then stop for context."""
    commit = "sleep 1 && echo 'step 1 done' >> docs/plans/billing.md && git commit -qam 'billing: step 1'"
    model = FakeAnthropic([BashStep(commit), TextStep(STOP), TextStep("Carrying on with step 2.")]).start()
    try:
        run = run_claude(claude_bin, project, home, model.base_url, "Implement the billing plan.",
                         allowed_tools=("Bash",), extra_env=IDENTITY)  # fmt: skip
        assert run.ok, run.describe()
    finally:
        model.stop()
    return model


def events(project: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(project / ".stopwarden" / "stopwarden.db") as db:
        return db.execute("SELECT mode, decision, rule FROM events ORDER BY event_id").fetchall()


def test_enforce_blocks_and_cites_the_plan(claude_bin: Path, project: Path, tmp_path: Path, record_e2e: object) -> None:
    sw(project, "gate", "mode", "enforce", "--force", "end-to-end test")
    model = session(claude_bin, project, tmp_path / "home")
    feedback = find_stop_hook_feedback(model.requests, f"stopwarden: Continue — the plan at {PLAN} predates")
    assert feedback is not None, "the stop gate's block never reached the model"
    assert events(project) == [("enforce", "continue", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE")]
    # The transcript the real client wrote: the block is in it, but only the user's prompt is a user turn.
    [transcript_file] = (tmp_path / "home").glob(".claude/projects/*/*.jsonl")
    assert "Stop hook feedback" in transcript_file.read_text()
    assert transcript.recent_user_turns(str(transcript_file)) == ["Implement the billing plan."]
    assert parse_iso(transcript.first_timestamp(str(transcript_file))) is not None


def test_shadow_lets_it_stop_and_logs_a_continue(claude_bin: Path, project: Path, tmp_path: Path) -> None:
    model = session(claude_bin, project, tmp_path / "home")
    assert not any(r.contains("stopwarden: Continue") for r in model.requests)
    assert events(project) == [("shadow", "continue", "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE")]
    log = json.loads(sw(project, "gate", "log", "--json"))
    assert log[0]["evidence_pointer"]["plan_file"] == PLAN


def test_kill_switch_blocks_nothing_and_asks_nobody(claude_bin: Path, project: Path, tmp_path: Path) -> None:
    sw(project, "gate", "mode", "enforce", "--force", "end-to-end test")
    sw(project, "gate", "kill-switch", "on", "--reason", "end-to-end test")
    model = session(claude_bin, project, tmp_path / "home")
    assert not any(r.contains("stopwarden:") for r in model.requests)
    assert events(project) == []
    assert "kill switch on" in (project / ".stopwarden" / "hook.log").read_text()
