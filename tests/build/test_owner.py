"""Owner identities (SPEC §4.3): the agent process found by walking real parent processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stopwarden.build import owner

# A child of the "agent" asks who its agent is, as `build start` (via bash) or the hook (via sh) would.
CHILD = "import json, os, sys; from stopwarden.build import owner; print(json.dumps(owner.agent_process({})))"
AGENT = "import subprocess, sys; sys.exit(subprocess.run(['sh', '-c', sys.argv[1]]).returncode)"


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="walks /proc")
def test_nearest_agent_ancestor_is_found(tmp_path: Path) -> None:
    claude = tmp_path / "claude"
    claude.symlink_to(sys.executable)  # a process whose comm is "claude", like the real client
    child = f"{sys.executable} -c {json.dumps(CHILD)}"
    env = {k: v for k, v in os.environ.items() if k != "STOPWARDEN_AGENT_PID"}
    env["PYTHONPATH"] = str(Path(owner.__file__).parents[2])
    agent = subprocess.Popen([str(claude), "-c", AGENT, child], stdout=subprocess.PIPE, env=env, text=True)
    out, _ = agent.communicate(timeout=30)
    pid, started = json.loads(out)
    assert pid == agent.pid
    assert started > 0


def test_no_agent_above_a_test_process() -> None:
    assert owner.agent_process({"STOPWARDEN_AGENT_PID": ""}) == (0, 0)
    assert owner.agent_process({"STOPWARDEN_AGENT_PID": "not a pid"}) == (0, 0)


def test_override_reads_the_start_time() -> None:
    pid, started = owner.agent_process({"STOPWARDEN_AGENT_PID": str(os.getpid())})
    assert pid == os.getpid() and started > 0


def test_tmux_pane_is_qualified_by_its_server() -> None:
    env = {"TMUX": "/tmp/tmux-1000/default,4242,0", "TMUX_PANE": "%7"}
    assert owner.tmux_pane(env) == "/tmp/tmux-1000/default:%7"
    assert owner.tmux_pane({"STOPWARDEN_TMUX": "", **env}) == ""
    assert owner.tmux_pane({}) == ""


def test_match_needs_a_non_empty_identity() -> None:
    none = {"session_id": "", "agent_pid": 0, "agent_started_at": 0, "tmux": ""}
    me = owner.Caller("", {"STOPWARDEN_AGENT_PID": "", "STOPWARDEN_TMUX": ""})
    assert owner.match(none, me) == ""
    assert not owner.has_identity(none)
    assert owner.match({**none, "session_id": "s"}, owner.Caller("s", {"STOPWARDEN_AGENT_PID": ""})) == "session"
