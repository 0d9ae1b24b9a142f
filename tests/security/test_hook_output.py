"""What the hook prints is whole, and a bad `build start` leaves nothing behind (issue 18, item 12)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from tests.conftest import hook_command, stop_payload
from tests.server.test_process import CLI


def test_a_huge_task_gives_a_whole_short_decision_on_a_non_blocking_pipe(installed: Path, cli: object) -> None:
    from stopwarden.build import manager, owner

    build = manager.start(str(installed), "x" * 200_000, "SMALL", owner.Caller("s1", {}), str(installed))
    manager.set_phase(str(installed), build["id"], "executing")
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # as some agents hand it to their hooks
    proc = subprocess.Popen(
        ["sh", "-c", hook_command(installed)], stdin=subprocess.PIPE, stdout=write_end, cwd=installed
    )
    os.close(write_end)
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(stop_payload(installed, "s1")).encode())
    proc.stdin.close()
    time.sleep(1.0)  # let it fill the pipe before anyone reads
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    assert proc.wait(30) == 0
    out = b"".join(chunks)
    decision = json.loads(out)  # whole: one valid JSON object
    assert decision["decision"] == "block" and len(out) < 4096


def test_build_start_with_a_task_that_is_not_text(installed: Path) -> None:
    done = subprocess.run([CLI.encode(), b"build", b"start", b"caf\xe9 \xff"], cwd=installed, capture_output=True)
    assert done.returncode == 1, done.stderr
    assert b"not valid UTF-8" in done.stderr
    active = installed / ".stopwarden" / "builds" / "active"
    assert not active.exists() or list(active.iterdir()) == []
