"""The stop gate's end-to-end set-up, the same for every client (SPEC §5): a plan committed an hour before
the session, step 1 committed while the agent waits in its shell tool, then "I'll stop here to preserve
context". The test commits, not the agent: Codex's sandbox keeps `.git` read-only for the agent's shell,
and the commit must fall between the session start and the stop."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

CLI = str(Path(sys.executable).parent / "stopwarden")
PLAN = "docs/plans/billing.md"
RULE = "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE"
PROMPT = "Implement the billing plan."
STOP = "Step 1 is committed. I'll stop here to preserve context."
CARRY_ON = "Carrying on with step 2."
# Run by the agent's shell tool in the project: it holds the agent there until the test has committed.
# No $(…) or backticks, which Gemini's shell tool refuses.
WAIT = "touch .started && while [ ! -e .release ]; do sleep 0.1; done"
IDENTITY = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
            "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"}  # fmt: skip
# enforce is refused before the readiness thresholds are met unless forced with a reason; shadow is not.
MODE_ARGS = {"enforce": ("enforce", "--force", "end-to-end test"), "shadow": ("shadow",)}

Run = TypeVar("Run")


def git(root: Path, *args: str, when: int | None = None) -> None:
    env = {**os.environ, **IDENTITY}
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000"}
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


@contextmanager
def gate_server(root: Path, agent: str, home: Mapping[str, str], mode: str) -> Iterator[None]:
    """The project with its plan committed an hour ago, stopwarden installed for `agent` (its config
    found through `home`), and the gate server running in `mode` until the block ends."""
    (root / "docs" / "plans").mkdir(parents=True)
    (root / PLAN).write_text("# Billing\n1. schema\n2. API\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plan: billing", when=int(time.time()) - 3600)
    env = {**os.environ, **home}
    try:
        for args in (("init", "--agent", agent), ("start",), ("gate", "mode", *MODE_ARGS[mode])):
            done = subprocess.run([CLI, *args], cwd=root, env=env, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
        yield
    finally:
        subprocess.run([CLI, "stop"], cwd=root, env=env, capture_output=True, check=False)


def commit_step_1_during(root: Path, run: Callable[[], Run]) -> Run:
    """`run()`, whose agent first runs WAIT in its shell tool: step 1 is committed while it waits."""
    started, release = root / ".started", root / ".release"

    def commit_while_the_agent_waits() -> None:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        (root / PLAN).write_text("# Billing\n1. schema (done)\n2. API\n")
        # Two seconds on, so the commit cannot fall before the session start that SessionStart recorded.
        git(root, "commit", "-qm", "billing: step 1", PLAN, when=int(time.time()) + 2)
        release.touch()

    helper = threading.Thread(target=commit_while_the_agent_waits)
    helper.start()
    try:
        return run()
    finally:
        helper.join()


def decisions(root: Path) -> list[tuple[str, str, str, str, str, str, int]]:
    """Each logged evaluation: mode, decision, rule, cited plan, agent, session, and the session's
    continue count, which only a delivered block raises (the events table has no `delivered` column)."""
    with sqlite3.connect(root / ".stopwarden" / "stopwarden.db") as db:
        return db.execute(
            "SELECT e.mode, e.decision, e.rule, json_extract(e.evidence_pointer_json, '$.plan_file'), e.agent,"
            " e.session_id, coalesce(c.continues, 0)"
            " FROM events e LEFT JOIN session_counters c USING (session_id) ORDER BY e.event_id"
        ).fetchall()
