"""State is never corrupted: many hooks at once spend exactly the budget, and a killed writer leaves a
valid state file (SPEC §9)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.conftest import hook_command, stop_payload

PROCESSES = 24


def _spawn(root: Path, session: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        ["sh", "-c", hook_command(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(stop_payload(root, session)).encode())
    return proc


def test_concurrent_hooks_spend_exactly_the_budget(installed: Path, cli: Any) -> None:
    result = cli("build", "start", "race", "--size", "LARGE", "--owner-session", "owner", "--json")
    build_id = result.json()["id"]
    cli("build", "phase", "executing")
    procs = [_spawn(installed, "owner" if i % 2 == 0 else f"stranger-{i}") for i in range(PROCESSES)]
    for proc in procs:  # release them together: each is already started and waiting on stdin
        assert proc.stdin is not None
        proc.stdin.close()
    outputs = []
    for i, proc in enumerate(procs):
        assert proc.stdout is not None and proc.stderr is not None
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=60)
        assert (proc.returncode, err) == (0, b""), err
        outputs.append((i % 2 == 0, out.decode()))
    owner_blocks = [out for is_owner, out in outputs if is_owner and out]
    assert len(owner_blocks) == 10, "LARGE: exactly ten of the twelve owner stops are blocked"
    assert all(out == "" for is_owner, out in outputs if not is_owner), "a stranger was blocked"
    used = sorted(int(json.loads(o)["reason"].split("Block ")[1].split("/")[0]) for o in owner_blocks)
    assert used == list(range(1, 11)), "every block saw its own count: no lost update"
    state = json.loads((installed / ".stopwarden" / "builds" / f"{build_id}.json").read_text())
    assert state["reinforcements_used"] == 10
    events = [json.loads(line)["event"] for line in (installed / ".stopwarden" / "builds" / "audit.jsonl").open()]
    assert events.count("gate.blocked") == 10 and events.count("gate.budget_exhausted") == 2


WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from stopwarden.build import state
root, build_id = sys.argv[1], sys.argv[3]
n = 0
print("ready", flush=True)
while True:
    with state.lock(root, build_id):
        s = state.load(root, build_id)
        s["reinforcements_used"] = n
        s["task"] = "x" * (n % 5000)  # states of varying size, so a torn write would show
        state.save(root, s)
    n += 1
"""


def test_a_killed_writer_leaves_a_valid_state_file(installed: Path, cli: Any) -> None:
    build_id = cli("build", "start", "killme", "--owner-session", "o", "--json").json()["id"]
    import stopwarden

    package_root = str(Path(stopwarden.__file__).parent.parent)
    path = installed / ".stopwarden" / "builds" / f"{build_id}.json"
    for delay in (0.05, 0.11, 0.2, 0.37):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(installed), package_root, build_id], stdout=subprocess.PIPE
        )
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        state = json.loads(path.read_text())  # never half written
        assert state["id"] == build_id and state["task"] == "x" * len(state["task"])
    result = cli("build", "status", "--json")
    assert result.code == 0  # and the lock was released with the killed process
