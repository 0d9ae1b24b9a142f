"""`stopwarden demo`, run as a user runs it: the installed console script, in a bare environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_demo_shows_the_owner_blocked_and_the_other_session_free() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "stopwarden"), "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        # A machine with no git identity: the demo must not need the user's.
        env={**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, "GIT_CONFIG_GLOBAL": "/dev/null"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert 'Session "demo-session-owner" tries to stop: BLOCKED' in out
    assert '| stopwarden: the build "Add a login page"' in out
    assert "in the same checkout, tries to stop: allowed to stop" in out
    assert "1 of 5 blocks used; the other session spent none" in out
    assert "The rules authority's verdict: continue (U1_DURABLE_ARTIFACT_CONTINUATION_SAFE)" in out
    assert "the stop is allowed (block: false) and only logged" in out
    assert "Stopped the gate server" in out


def test_demo_json_says_what_it_showed() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "stopwarden"), "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, "GIT_CONFIG_GLOBAL": "/dev/null"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] is True and data["project"] is None  # not kept
    assert (data["owner_blocked"], data["other_session_blocked"], data["blocks_used"], data["budget"]) == (
        True, False, 1, 5,
    )  # fmt: skip
    verdict = {"decision": "continue", "rule": "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE", "block": False}
    assert data["stop_gate"] == verdict
    assert any("tries to stop: BLOCKED" in step for step in data["steps"])
    # ... and what to do with it in one's own project: init, a new session, the skill, the gate's log.
    assert data["next"][0].startswith("next: in your own project") and "stopwarden init" in data["next"][0]
    assert any("/build <task>" in line for line in data["next"])
