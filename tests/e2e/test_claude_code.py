"""The build gate in the real Claude Code client (SPEC §3.1, §4): installed with `stopwarden init`, the
owner's stop is blocked with the build's status, another session of the same checkout stops freely and
spends nothing, and the /build skill is listed to the model.

Two sessions run at the same time: the owner's scripted model starts a build and then waits inside its
Bash tool until the other session has stopped; only then does it try to stop. That way the owner's budget
is untouched while the other session stops, so a budget that did not move proves something.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .claude_client import CompletedRun, run_claude
from .fake_anthropic import BashStep, FakeAnthropic, TextStep, find_stop_hook_feedback, skill_listed

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "stopwarden")


@pytest.fixture
def sw_project(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A git project with `stopwarden init` (autostart on, as a user gets it), and a home for the client.
    The SessionStart hook starts the gate server; it is stopped afterwards."""
    project = tmp_path / "project"
    home = tmp_path / "home"
    project.mkdir()
    home.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    done = subprocess.run([CLI, "init", "--agent", "claude-code"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    yield project, home
    subprocess.run([CLI, "stop"], cwd=project, capture_output=True, check=False)


def _builds(project: Path) -> list[dict[str, Any]]:
    folder = project / ".stopwarden" / "builds"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def _wait_for(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_only_the_owner_is_blocked(
    claude_bin: Path, tmp_path: Path, sw_project: tuple[Path, Path], record_e2e: Any
) -> None:
    project, home = sw_project
    started, release = tmp_path / "started", tmp_path / "release"
    start = (
        f'{shlex.quote(CLI)} build start "Add a login page" --size SMALL && '
        f"{shlex.quote(CLI)} build phase executing && touch {started} && "
        f"while [ ! -e {release} ]; do sleep 0.1; done"
    )
    owner_model = FakeAnthropic(
        [
            BashStep(start),
            TextStep("Step 1 is done. I'll stop here."),
            TextStep("Stopping again."),
            TextStep("And again."),
            TextStep("Still stopping."),
        ],
        final_text="Giving up.",
    ).start()
    other_model = FakeAnthropic([TextStep("Nothing to do here, stopping.")]).start()
    runs: dict[str, CompletedRun] = {}
    try:
        owner = threading.Thread(
            target=lambda: runs.setdefault(
                "owner",
                run_claude(claude_bin, project, home, owner_model.base_url, "Build the login page",
                           allowed_tools=("Bash",)),
            )
        )  # fmt: skip
        owner.start()
        _wait_for(started, 60)
        [build] = _builds(project)
        assert build["phase"] == "executing" and build["reinforcements_used"] == 0

        # Another session of the same checkout, while the owner's build is active: it stops freely.
        runs["other"] = run_claude(claude_bin, project, tmp_path / "home", other_model.base_url, "Anything to do?")
        assert runs["other"].ok, runs["other"].describe()
        assert not any(r.contains("stopwarden:") for r in other_model.requests)
        [after_other] = _builds(project)
        assert after_other["reinforcements_used"] == 0, "the other session spent the owner's budget"

        release.touch()
        owner.join(120)
        assert runs["owner"].ok, runs["owner"].describe()
    finally:
        release.touch()
        owner_model.stop()
        other_model.stop()

    reason_start = f'stopwarden: the build "Add a login page" ({build["id"]}) is in phase executing'
    feedback = find_stop_hook_feedback(owner_model.requests, reason_start)
    assert feedback is not None, "the block reason never reached the model"
    record_e2e("block_reason_forms", ",".join(feedback.forms))
    assert "Block 1/3" in " ".join(feedback.texts)

    [final] = _builds(project)
    assert final["reinforcements_used"] == 3  # SMALL: three blocks, then the owner may stop
    audit = [json.loads(line) for line in (project / ".stopwarden" / "builds" / "audit.jsonl").read_text().splitlines()]
    blocked = [r for r in audit if r["event"] == "gate.blocked"]
    assert len(blocked) == 3
    # The owner was stamped with the very session id the Stop hook later received, and its agent process.
    assert final["owner"]["session_id"] == blocked[0]["session_id"] != ""
    assert final["owner"]["agent_pid"] > 0
    log = (project / ".stopwarden" / "hook.log").read_text()
    assert "allow: not the owner of" in log
    sessions = list((project / ".stopwarden" / "sessions").iterdir())
    assert len(sessions) == 2, "SessionStart recorded both sessions"


def test_build_skill_is_listed(claude_bin: Path, sw_project: tuple[Path, Path]) -> None:
    project, home = sw_project
    with FakeAnthropic([TextStep("Hello.")]) as model:
        run = run_claude(claude_bin, project, home, model.base_url, "What skills do you have?")
        assert run.ok, run.describe()
        assert any(skill_listed(r, "build") for r in model.main_requests)
